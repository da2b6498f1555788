/**
 * A target that lies, streams forever, trickles, never answers or speaks in terminal escapes: the bench says what
 * is wrong in one line, exits non-zero within 20 s, stays small, and never passes an escape byte to the terminal.
 * The hostile target is a node:http server in this test process; the bench runs as the user runs it.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getAnswer } from '../../bench/network/http-get.js';
import { checkHealth } from '../../bench/network/remote.js';
import { printable } from '../../lib/printable.js';
import { BENCH } from '../helpers/bench-cli.js';

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A fake target on 127.0.0.1: `routes` by path, anything else 404. */
async function target(routes: Record<string, Behaviour>): Promise<string> {
  const server = createServer((req, res) => {
    const route = routes[(req.url ?? '').split('?')[0] ?? ''];
    if (route !== undefined) route(req, res);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (value: unknown): Behaviour => (_req, res) => {
  const body = JSON.stringify(value);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};
const HEALTH = { status: 'ok', model: 'event-loop', pid: 4242, threadId: 0, params: {} };
const USAGE = { atMs: 1, cpuMs: 1, rssBytes: 50_000_000, processes: 1, scope: 'tree' };

/** Writes 64 KiB chunks as fast as the client takes them, forever (until it leaves). */
const streamForever: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const more = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', more);
  };
  res.write('{"model":"');
  more();
};

/** One byte every 3 s. */
const trickle: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  const timer = setInterval(() => res.write(' '), 3000);
  res.on('close', () => {
    clearInterval(timer);
  });
};

interface Ran {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly peakRssBytes: number;
}

/** Runs the bench against `url`, sampling its resident memory from /proc while it runs. */
function benchAgainst(url: string, onSpawn?: (pid: number) => void): Promise<Ran> {
  const out = mkdtempSync(join(tmpdir(), 'lab-liar-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [BENCH, '--target', url, '--workloads', 'hello', '--connections', '1', '--duration', '0.3', '--trials', '2', '--max-trials', '2', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let peakRssBytes = 0;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const sampler = setInterval(() => {
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(child.pid)}/status`, 'utf8'))?.[1];
      if (rss !== undefined) peakRssBytes = Math.max(peakRssBytes, Number(rss) * 1024);
    } catch {
      // gone
    }
  }, 50);
  if (child.pid !== undefined) onSpawn?.(child.pid);
  const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  return new Promise((resolve) => {
    child.once('exit', (status, signal) => {
      clearInterval(sampler);
      clearTimeout(killer);
      resolve({ status, signal, stdout, stderr, seconds: (performance.now() - t0) / 1000, peakRssBytes });
    });
  });
}

/** Bytes that would drive a terminal: ESC, BEL, CSI (C1), and the other controls but newline. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function expectOneCleanLine(ran: Ran, message: RegExp): void {
  expect(ran.status, ran.stderr).not.toBe(0);
  expect(ran.status).not.toBeNull();
  expect(ran.seconds).toBeLessThan(20);
  expect(ran.peakRssBytes).toBeLessThan(300 * 1024 * 1024);
  expect(ran.stdout).toBe('');
  const lines = ran.stderr.trim().split('\n');
  expect(lines, ran.stderr.slice(0, 2000)).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(lines[0]?.length).toBeLessThan(400);
  expect(TERMINAL_CONTROL.test(ran.stdout + ran.stderr)).toBe(false);
}

describe('a hostile --target', () => {
  it('whose /health streams forever: one line, status 2, the bench stays small', async () => {
    const ran = await benchAgainst(await target({ '/health': streamForever }));
    expectOneCleanLine(ran, /--target .*: no lab server answers there \(\/health answered more than 64 KiB\)/);
    expect(ran.status).toBe(2);
  });

  it('whose /health announces a gigabyte: refused before reading it', async () => {
    const ran = await benchAgainst(await target({ '/health': (_req, res) => {
      res.writeHead(200, { 'content-length': String(1024 ** 3) });
      res.write('{');
    } }));
    expectOneCleanLine(ran, /more than 64 KiB \(1073741824 bytes announced\)/);
  });

  it('whose /health trickles a byte every 3 s: one line within its 5 s deadline', async () => {
    const ran = await benchAgainst(await target({ '/health': trickle }));
    expectOneCleanLine(ran, /\/health gave no whole answer within 5 s/);
    expect(ran.seconds).toBeLessThan(10);
  });

  it('that never answers: one line', async () => {
    const ran = await benchAgainst(await target({ '/health': () => undefined }));
    expectOneCleanLine(ran, /\/health gave no whole answer within 5 s/);
  });

  it('that names its model in terminal escapes: they are escaped, never printed', async () => {
    const ran = await benchAgainst(await target({ '/health': json({ ...HEALTH, model: '\u001b[2J\u001b[31m PWNED \u001b]0;title\u0007\u009b2J' }) }));
    expectOneCleanLine(ran, /"\\u001b\[2J\\u001b\[31m PWNED \\u001b\]0;title\\u0007\\u009b2J" is not a model of the lab's application/);
  });

  it('that names its model in 50 MB: refused, and the line stays short', async () => {
    const ran = await benchAgainst(await target({ '/health': (_req, res) => {
      const body = `{"model":"${'x'.repeat(50 * 1024 * 1024)}","pid":1,"params":{}}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    } }));
    expectOneCleanLine(ran, /\/health answered more than 64 KiB/);
  });

  it.each([
    ['a pid of 1e308', { ...HEALTH, pid: 1e308 }, /no valid pid/],
    ['parameters named in escapes', { ...HEALTH, params: { '\u001b[2Jthreads': 2 } }, /parameters as the lab does \(\\u001b\[2Jthreads: /],
    ['a parameter of 1e300 threads', { ...HEALTH, model: 'worker-pool', params: { threads: 1e300 } }, /parameters as the lab does \(threads: Too big/],
    ['parameters the model does not have', { ...HEALTH, params: { threads: 2 } }, /gives parameters "threads", where event-loop has none/],
  ])('whose /health gives %s: refused before any load', async (_what, health, message) => {
    const ran = await benchAgainst(await target({ '/health': json(health), '/lab/usage': json(USAGE) }));
    expectOneCleanLine(ran, message);
    expect(ran.status).toBe(2);
  });

  it.each([
    ['rssBytes 1e300', { ...USAGE, rssBytes: 1e300 }, /rssBytes: /],
    ['processes -5', { ...USAGE, processes: -5 }, /processes: /],
  ])('whose /lab/usage reports %s: refused before any load', async (_what, usage, message) => {
    const ran = await benchAgainst(await target({ '/health': json(HEALTH), '/lab/usage': json(usage) }));
    expectOneCleanLine(ran, message);
    expect(ran.stderr).toContain('/lab/usage reports what no server can');
  });

  it('that trickles its answer to the check: SIGTERM ends the run within a few seconds, saving what finished', async () => {
    let bench = 0;
    let askedAt = 0;
    const url = await target({
      '/health': json(HEALTH),
      '/lab/usage': json(USAGE),
      '/': (req, res) => {
        // The answer check has begun: the bench is waiting on a trickle. Stop it now.
        askedAt = performance.now();
        trickle(req, res);
        process.kill(bench, 'SIGTERM');
      },
    });
    const ran = await benchAgainst(url, (pid) => (bench = pid));
    expect(askedAt).toBeGreaterThan(0);
    expect(ran.status).toBe(143);
    expect(ran.seconds).toBeLessThan(30);
    expect(ran.stderr).toMatch(/SIGTERM: stopping/);
    expect(ran.stderr).toMatch(/interrupted after 0 cases/);
    expect(TERMINAL_CONTROL.test(ran.stdout + ran.stderr)).toBe(false);
  });
});

describe('reading a target (unit)', () => {
  it('printable escapes terminal controls and bounds the length', () => {
    expect(printable('a\u001b[2Jb\u0007\u009b\u202e')).toBe('a\\u001b[2Jb\\u0007\\u009b\\u202e');
    expect(printable('x'.repeat(100), 10)).toBe('xxxxxxxxxx… (90 more characters)');
    expect(printable('plain model name')).toBe('plain model name');
  });

  it('checkHealth accepts what npm run serve says and refuses each lie with the field', () => {
    expect(checkHealth('u', { ...HEALTH, model: 'worker-pool', params: { threads: 2 } })).toEqual({ model: 'worker-pool', params: { threads: 2 }, pid: 4242 });
    expect(() => checkHealth('u', { ...HEALTH, pid: -1 })).toThrow(/no valid pid/);
    expect(() => checkHealth('u', { ...HEALTH, model: 'baseline' })).toThrow(/"baseline" is not a model/);
    expect(() => checkHealth('u', { ...HEALTH, params: undefined })).toThrow(/parameters/);
    expect(() => checkHealth('u', { ...HEALTH, model: 'cluster', params: {} })).toThrow(/where cluster has processes/);
  });

  it('getAnswer caps the size and bounds the whole answer in time', async () => {
    const url = await target({ '/big': streamForever, '/slow': trickle, '/ok': json({ a: 1 }) });
    await expect(getAnswer(`${url}/big`, { totalMs: 5000, maxBytes: 100_000 })).rejects.toThrow(/\/big answered more than 98 KiB/);
    const t0 = performance.now();
    await expect(getAnswer(`${url}/slow`, { totalMs: 500 })).rejects.toThrow(/\/slow gave no whole answer within 0.5 s/);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(await getAnswer(`${url}/ok`, { totalMs: 1000 })).toEqual({ status: 200, body: '{"a":1}' });
    const stop = new AbortController();
    const pending = getAnswer(`${url}/slow`, { totalMs: 60_000, signal: stop.signal });
    stop.abort();
    await expect(pending).rejects.toThrow(/interrupted/);
  });
});
