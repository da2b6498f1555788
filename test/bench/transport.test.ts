/**
 * How the bench speaks to the servers: --tls, --new-connections, --sessions and the session workload. The load
 * drivers against servers made here (which count their connections), then short real runs of the bench.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoad } from '../../bench/load/closed-loop.js';
import { startOpenLoad } from '../../bench/load/open-loop.js';
import { parseBenchArgs } from '../../bench/plan/parse-args.js';
import { newVisitor, recordVisit, setCookieOf } from '../../bench/load/visits.js';
import { buildWorkload } from '../../bench/plan/workloads.js';
import { PROFILES, PROFILE_NAMES } from '../../bench/plan/profiles.js';
import { validateResults, type OkCase, type Results } from '../../results/schema.js';
import { labCertificate } from '../../servers/tls-cert.js';
import { BENCH, expectRefusal } from '../helpers/bench-cli.js';


describe('the session client (bench/visits.ts)', () => {
  it('counts an answer that is not the previous count + 1 as a lost update, and follows Set-Cookie', () => {
    const v = newVisitor();
    expect(recordVisit(v, 200, '{"visits":1}', 'lab_session=a; HttpOnly; Path=/')).toBe(false);
    expect(v).toEqual({ cookie: 'lab_session=a', visits: 1 });
    expect(recordVisit(v, 200, '{"visits":2}', undefined)).toBe(false);
    // Another process did not know the cookie: a new session, back to 1.
    expect(recordVisit(v, 200, '{"visits":1}', 'lab_session=b; HttpOnly')).toBe(true);
    expect(v.cookie).toBe('lab_session=b');
    expect(recordVisit(v, 200, '{"visits":2}', undefined)).toBe(false);
    // A skipped count is lost too (a visit counted twice, or another's).
    expect(recordVisit(v, 200, '{"visits":4}', undefined)).toBe(true);
  });

  it('a first answer above 1, and nothing for answers that are not visits', () => {
    expect(recordVisit(newVisitor(), 200, '{"visits":3}', 'lab_session=x')).toBe(true);
    const v = newVisitor();
    expect(recordVisit(v, 503, '{"error":"busy"}', undefined)).toBe(false);
    expect(recordVisit(v, 200, 'not json', undefined)).toBe(false);
    expect(recordVisit(v, 200, '{"visits":"1"}', undefined)).toBe(false);
    expect(v).toEqual({ cookie: null, visits: 0 });
  });

  it('finds Set-Cookie whatever the case of its name', () => {
    expect(setCookieOf({ 'Set-Cookie': ['lab_session=a; Path=/'] })).toBe('lab_session=a; Path=/');
    expect(setCookieOf({ 'set-cookie': 'x=1' })).toBe('x=1');
    expect(setCookieOf({ 'content-type': 'text/plain' })).toBeUndefined();
  });
});

describe('options', () => {
  it('--tls, --new-connections and --sessions are off, off and shared unless given', () => {
    const plain = parseBenchArgs([]);
    const given = parseBenchArgs(['--tls', '--new-connections', '--sessions', 'local']);
    if (plain.kind !== 'run' || given.kind !== 'run') throw new Error('expected runs');
    expect(plain.options).toMatchObject({ tls: false, newConnections: false, sessions: 'shared' });
    expect(given.options).toMatchObject({ tls: true, newConnections: true, sessions: 'local' });
  });

  it('the session workload is in no profile: it is run with --workloads session', () => {
    for (const name of PROFILE_NAMES) expect(PROFILES[name].workloads).not.toContain('session');
    const workload = buildWorkload('session', { iterationsPerMs: 5000 });
    expect(workload).toMatchObject({ paths: ['/visits'], session: true });
    expect(workload.description).toContain('new connection');
  });

  it.each([
    [['--sessions', 'nope'], '--sessions must be shared or local, got "nope"'],
    [['--sessions'], "option '--sessions' needs a value"],
    [['--tls=yes'], '--tls'],
    [['--workloads', 'session', '--rate', '100'], '--rate does not go with the session workload'],
  ])('%j: one line, status 2, nothing written', (args, message) => {
    expectRefusal(args, message);
  });
});

/** A server made here that counts the connections and requests it saw (TLS connections once handshaken). */
interface Counting {
  readonly url: string;
  readonly seen: { connections: number; requests: number };
  close(): Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function countingServer(tls: { key: string; cert: string } | null): Promise<Counting> {
  const seen = { connections: 0, requests: 0 };
  const handler = (_req: IncomingMessage, res: ServerResponse): void => {
    seen.requests += 1;
    res.end('hello');
  };
  const server = tls === null ? createHttpServer(handler) : createHttpsServer(tls, handler);
  servers.push(server); // closed after the test, whatever happens
  server.on(tls === null ? 'connection' : 'secureConnection', () => {
    seen.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls === null ? 'http' : 'https'}://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => { resolve(); })),
  };
}

const CLIENTS = 3;
const closed = (url: string, newConnections: boolean) =>
  startLoad({ url, paths: ['/'], connections: CLIENTS, warmupSeconds: 0.1, durationSeconds: 0.6, maxDrainSeconds: 3, newConnections }).done;

describe('a new connection per request (closed loop: autocannon with Connection: close)', () => {
  it('the server sees about one connection per request, and the latencies keep Little\'s law', async () => {
    const server = await countingServer(null);
    const outcome = await closed(server.url, true);
    const { connections, requests } = server.seen;
    expect(requests).toBeGreaterThan(50);
    // One request per connection; a connection opened as the load stopped may carry none.
    expect(connections).toBeGreaterThanOrEqual(requests);
    expect(connections).toBeLessThanOrEqual(requests + 2 * CLIENTS);
    expect(outcome.errors).toBe(0);
    // autocannon's own timing would drift here (it starts at a request written to the closing connection and grows
    // every time): N = X × R holds only if each request is timed from its own send.
    const expectedMeanUs = (CLIENTS / (outcome.responses / outcome.durationSeconds)) * 1e6;
    const ratio = outcome.histogram.mean / expectedMeanUs;
    expect(ratio, `mean ${outcome.histogram.mean} µs, N/X ${expectedMeanUs} µs`).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.5);
  });

  it('keep-alive (the default) opens one connection per client', async () => {
    const server = await countingServer(null);
    await closed(server.url, false);
    expect(server.seen.requests).toBeGreaterThan(50);
    expect(server.seen.connections).toBeLessThanOrEqual(CLIENTS + 1);
  });

  it('over HTTPS too: a handshake per request, and keep-alive amortises it', async () => {
    const server = await countingServer(await labCertificate());
    await closed(server.url, true);
    expect(server.seen.requests).toBeGreaterThan(20);
    expect(server.seen.connections).toBeGreaterThanOrEqual(server.seen.requests);
    expect(server.seen.connections).toBeLessThanOrEqual(server.seen.requests + 2 * CLIENTS);
    const kept = await countingServer(await labCertificate());
    await closed(kept.url, false);
    expect(kept.seen.requests).toBeGreaterThan(20);
    expect(kept.seen.connections).toBeLessThanOrEqual(CLIENTS + 1);
  });
});

describe('the open loop over TLS and with new connections (undici)', () => {
  const open = (url: string, options: { newConnections?: boolean; ca?: string }) =>
    startOpenLoad({ url, paths: ['/'], rate: 100, arrivals: 'constant', random: Math.random, maxInflight: 4, warmupSeconds: 0.1, durationSeconds: 0.6, maxDrainSeconds: 3, ...options }).done;

  it('reset: a connection per request; without it, a few kept alive', async () => {
    const fresh = await countingServer(null);
    await open(fresh.url, { newConnections: true });
    expect(fresh.seen.requests).toBeGreaterThan(40);
    expect(fresh.seen.connections).toBeGreaterThanOrEqual(fresh.seen.requests);
    const kept = await countingServer(null);
    await open(kept.url, {});
    expect(kept.seen.requests).toBeGreaterThan(40);
    expect(kept.seen.connections).toBeLessThanOrEqual(4);
  });

  it('trusts the lab certificate it is given, and nothing else', async () => {
    const material = await labCertificate();
    const server = await countingServer(material);
    const trusted = await open(server.url, { ca: material.cert });
    expect(trusted.errors).toBe(0);
    expect(trusted.responses).toBeGreaterThan(40);
    const untrusted = await open(server.url, {});
    expect(untrusted.responses).toBe(0);
    expect(untrusted.errors).toBeGreaterThan(0);
  });
});

function benchRun(args: readonly string[]): Promise<{ code: number | null; output: string; results: Results }> {
  const out = mkdtempSync(join(tmpdir(), 'lab-bench-'));
  const child = spawn(process.execPath, [BENCH, ...args, '--duration', '0.5', '--warmup', '0.2', '--trials', '1', '--max-trials', '1', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const [run] = readdirSync(out).filter((d) => existsSync(join(out, d, 'results.json')));
      if (run === undefined) {
        reject(new Error(`no results (status ${String(code)}): ${output}`));
        return;
      }
      resolve({ code, output, results: validateResults(JSON.parse(readFileSync(join(out, run, 'results.json'), 'utf8'))) });
    });
  });
}

const okCases = (results: Results, workload: string): OkCase[] => results.cases.filter((c): c is OkCase => c.workload === workload && c.status === 'ok');

describe('short bench runs', () => {
  it('--tls: every model answers over HTTPS, and the results say so', { timeout: 90_000 }, async () => {
    const { code, output, results } = await benchRun(['--tls', '--models', 'event-loop,cluster,baseline', '--processes', '2', '--workloads', 'hello', '--connections', '2']);
    expect(code, output).toBe(0);
    expect(results.options).toMatchObject({ tls: true, newConnections: false, sessions: 'shared' });
    expect(results.cases.map((c) => [c.model, c.status])).toEqual([['event-loop', 'ok'], ['cluster', 'ok'], ['baseline', 'ok']]);
    for (const c of okCases(results, 'hello')) {
      expect(c.requests).toBeGreaterThan(20);
      expect(c.errors + c.non2xx).toBe(0);
      expect(c.lostUpdates).toBeUndefined();
    }
    expect(output).toContain('HTTPS (self-signed), keep-alive');
  });

  it('session, cluster of 2, --sessions local: visits land in both processes\' maps, and updates are lost', { timeout: 90_000 }, async () => {
    const { code, output, results } = await benchRun(['--models', 'cluster', '--processes', '2', '--workloads', 'session', '--sessions', 'local', '--connections', '3']);
    expect(code, output).toBe(0);
    expect(results.options.sessions).toBe('local');
    const [c] = okCases(results, 'session');
    expect(c?.requests).toBeGreaterThan(20);
    expect(c?.lostUpdates).toBeGreaterThan(0);
    expect(c?.trials.every((t) => t.status === 'ok' && t.lostUpdates !== undefined)).toBe(true);
    expect(output).toMatch(/lost updates .*sessions local/);
    expect(output).toMatch(/cluster × 3: [1-9][\d,]* of/);
  });

  it('session, cluster of 2, --sessions shared: no update is lost', { timeout: 90_000 }, async () => {
    const { code, output, results } = await benchRun(['--models', 'cluster,event-loop', '--processes', '2', '--workloads', 'session', '--sessions', 'shared', '--connections', '3']);
    expect(code, output).toBe(0);
    const cases = okCases(results, 'session');
    expect(cases.map((c) => c.model)).toEqual(['cluster', 'event-loop']);
    for (const c of cases) {
      expect(c.requests).toBeGreaterThan(20);
      expect(c.lostUpdates).toBe(0);
    }
    // Each visit on a new connection: the cluster's round robin spread them over both processes.
    expect(cases[0]?.servedBy).toBe(2);
  });
});
