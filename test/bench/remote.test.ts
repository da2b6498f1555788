/**
 * Client and server apart: --target drives a server started by hand (and leaves it running), --netns starts each
 * server in a network namespace of its own and removes every namespace and link, also after a failure. The real
 * namespace runs need root and iproute2 (as CI has); elsewhere they are skipped, and their names say why.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.js';
import { labLinks, labNamespaces, netemUnavailable, netnsUnavailable, removeLeftovers } from '../../bench/network/netns.js';
import { parseBenchArgs } from '../../bench/plan/parse-args.js';
import { serverSet } from '../../bench/run/servers.js';
import { validateResults, type Results } from '../../results/schema.js';
import { rawRequest } from '../helpers/http.js';
import { NO_GENERATOR } from '../helpers/generator.js';
import { serveWith, type ServedModel } from '../helpers/serve.js';

const BENCH = join(repoRoot, 'dist', 'scripts', 'bench.js');

function resultsIn(out: string): Results {
  const [run] = readdirSync(out).filter((d) => existsSync(join(out, d, 'results.json')));
  if (run === undefined) throw new Error(`no run in ${out}`);
  return validateResults(JSON.parse(readFileSync(join(out, run, 'results.json'), 'utf8')));
}

/** Runs the bench CLI to its end; resolves with its status and output. */
function bench(args: readonly string[]): Promise<{ status: number | null; output: string }> {
  const child = spawn(process.execPath, [BENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('exit', (status) => {
    resolve({ status, output });
  }));
}

/** This test process's namespaces and links (the bench's own carry its pid in their names). */
const ofPid = (pid: number): string[] => [...labNamespaces().filter((n) => n.startsWith(`labns-${pid}-`)), ...labLinks().filter((n) => n.startsWith(`lv${pid}`))];

describe('--target and --netns options', () => {
  it.each([
    [['--target', 'not a url'], '--target must be a URL'],
    [['--target', 'ftp://127.0.0.1:21'], 'must be an http:// URL'],
    [['--target', 'https://127.0.0.1:8443'], 'must be an http:// URL'],
    [['--target', 'http://127.0.0.1:8080/work?io=5'], 'names a server, not a page'],
    [['--target', 'http://127.0.0.1:8080', '--models', 'event-loop'], '--models does not go with --target'],
    [['--target', 'http://127.0.0.1:8080', '--threads', '2'], '--threads does not go with --target'],
    [['--target', 'http://127.0.0.1:8080', '--netns'], 'do not go together'],
    [['--netem-delay', '5'], '--netem-delay applies to --netns only'],
    [['--netns', '--netem-delay=-5'], '--netem-delay must be a number of milliseconds'],
    [['--netns', '--netem-delay', 'x'], '--netem-delay must be a number of milliseconds'],
    [['--netem-rate', '10'], '--netem-rate applies to --netns only'],
    [['--netns', '--netem-rate', '0'], '--netem-rate must be a number of megabits per second'],
    [['--netns', '--netem-rate=-1'], '--netem-rate must be a number of megabits per second'],
    [['--netns', '--netem-rate', '10mbit'], '--netem-rate must be a number of megabits per second'],
    [['--netns', '--netem-rate', '1e9'], '--netem-rate must be a number of megabits per second'],
  ])('%j is refused with a clear message', (args, message) => {
    const command = parseBenchArgs(args);
    expect(command.kind).toBe('error');
    if (command.kind === 'error') expect(command.message).toContain(message);
  });

  it('a good target is kept as its origin; --netns with a delay is recorded as given', () => {
    const target = parseBenchArgs(['--target', 'http://192.168.1.20:8080/']);
    expect(target.kind === 'run' ? target.options.target : null).toBe('http://192.168.1.20:8080');
    const netns = parseBenchArgs(['--netns', '--netem-delay', '2.5']);
    expect(netns.kind === 'run' ? netns.options.network : null).toEqual({ namespaces: true, delayMs: 2.5 });
    const rated = parseBenchArgs(['--netns', '--netem-rate', '0.5']);
    expect(rated.kind === 'run' ? rated.options.network : null).toEqual({ namespaces: true, delayMs: 0, rateMbit: 0.5 });
  });

  it.each([
    [['--target', 'http://127.0.0.1:1'], 'no lab server answers there'],
    [['--target', 'ftp://x'], 'must be an http:// URL'],
  ])('%j on the command line: one line, status 2, nothing written', (args, message) => {
    const out = mkdtempSync(join(tmpdir(), 'lab-remote-'));
    const result = spawnSync(process.execPath, [BENCH, ...args, '--out', out], { encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(message);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('--target: a server started by hand', () => {
  let served: ServedModel;
  beforeAll(async () => {
    served = await serveWith(['event-loop']);
  });
  afterAll(async () => {
    await served.stop();
  });

  it('answers /lab/usage with its CPU time and memory, and /health with its parameters', async () => {
    const usage = JSON.parse((await rawRequest(served.url, '/lab/usage')).body) as { cpuMs: number; rssBytes: number; atMs: number };
    expect(usage.cpuMs).toBeGreaterThan(0);
    expect(usage.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    const health = JSON.parse((await rawRequest(served.url, '/health')).body) as { model: string; params: unknown };
    expect(health).toMatchObject({ model: 'event-loop', params: {} });
  });

  it('is measured as event-loop, with server CPU from /lab/usage, the round trip recorded, and is still serving afterwards', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-remote-'));
    const run = await bench(['--target', served.url, '--workloads', 'hello', '--connections', '16', '--duration', '0.5', '--warmup', '0.2', '--trials', '2', '--max-trials', '2', '--out', out]);
    expect(run.status, run.output).toBe(0);
    const results = resultsIn(out);
    expect(results.options.target).toBe(served.url);
    expect(results.options.models).toEqual(['event-loop']);
    expect(results.remote?.url).toBe(served.url);
    expect(results.remote?.pid).toBe(served.listening.pid);
    expect(results.remote?.rttMinMs).toBeGreaterThan(0);
    expect(results.remote?.rttMedianMs).toBeGreaterThanOrEqual(results.remote?.rttMinMs ?? Infinity);
    expect(results.cases.length).toBeGreaterThan(0);
    for (const c of results.cases) expect([c.model, c.status]).toEqual(['event-loop', 'ok']);
    const hello16 = results.cases.find((c) => c.workload === 'hello' && c.connections === 16);
    expect(hello16?.status === 'ok' ? hello16.serverCpuPercent : 0).toBeGreaterThan(0);
    expect((await rawRequest(served.url, '/health')).status).toBe(200);
    // The run page says the client was remote, and where.
    const [page] = readdirSync(out).filter((d) => existsSync(join(out, d, 'report.html'))).map((d) => readFileSync(join(out, d, 'report.html'), 'utf8'));
    expect(page).toContain(`remote: the client drove ${served.url}`);
  });
});

const noNetns = netnsUnavailable();
// Where the kernel has no netem (this machine, CI), the delay is the lab's relay's: the same test, another label.
const delayBy = noNetns === null && netemUnavailable({ delayMs: 5 }) === null ? 'netem' : 'relay';

describe('--netns: servers in network namespaces', () => {
  it.skipIf(noNetns !== null)(`a real run over veth leaves no namespace or link behind${noNetns === null ? '' : ` (skipped: ${noNetns})`}`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-netns-'));
    const before = labNamespaces();
    const run = await bench(['--netns', '--models', 'event-loop', '--workloads', 'hello', '--connections', '4', '--duration', '0.5', '--warmup', '0.2', '--trials', '1', '--max-trials', '1', '--out', out]);
    expect(run.status, run.output).toBe(0);
    const results = resultsIn(out);
    expect(results.options.network).toEqual({ namespaces: true, delayMs: 0 });
    const hello = results.cases.find((c) => c.workload === 'hello' && c.connections === 4);
    expect(hello?.status).toBe('ok');
    expect(hello?.status === 'ok' ? hello.serverCpuPercent : 0).toBeGreaterThan(0);
    expect(labNamespaces()).toEqual(before);
  });

  it.skipIf(noNetns !== null)(`a server that fails to start in its namespace leaves no namespace behind${noNetns === null ? '' : ` (skipped: ${noNetns})`}`, async () => {
    const servers = serverSet(NO_GENERATOR, new Map([['/', { status: 200, body: 'Hello, world!\n' }]]), undefined, { namespaces: true, delayMs: 0 });
    await expect(servers.ensure('worker-pool', { threads: 0 })).rejects.toThrow(/threads/);
    expect(ofPid(process.pid)).toEqual([]);
  });

  it.skipIf(noNetns !== null)(`the namespace of a bench that was killed is removed by the next run${noNetns === null ? '' : ` (skipped: ${noNetns})`}`, () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(dead.stdout);
    const name = `labns-${pid}-0`;
    spawnSync('ip', ['netns', 'add', name]);
    spawnSync('ip', ['link', 'add', `lv${pid}h0`, 'type', 'veth', 'peer', 'name', `lv${pid}s0`]);
    expect(labNamespaces()).toContain(name);
    expect(removeLeftovers()).toEqual(expect.arrayContaining([name, `lv${pid}h0`]));
    expect(ofPid(pid)).toEqual([]);
  });

  it.skipIf(noNetns !== null)(`--netem-delay 5 on io at 16 clients: p50 at least 30 ms (20 ms of work + 10 ms round trip), by ${delayBy}, nothing left behind${noNetns === null ? '' : ` (skipped: ${noNetns})`}`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-netns-'));
    const run = await bench(['--netns', '--netem-delay', '5', '--models', 'event-loop', '--workloads', 'io', '--connections', '16', '--duration', '1', '--trials', '1', '--max-trials', '1', '--out', out]);
    expect(run.status, run.output).toBe(0);
    if (delayBy === 'relay') expect(run.output).toContain("the lab's relay in the bench process adds 5 ms each way");
    const results = resultsIn(out);
    expect(results.options.network).toEqual({ namespaces: true, delayMs: 5, delayBy });
    expect(results.cases.length).toBeGreaterThan(0);
    for (const c of results.cases) expect([c.model, c.status]).toEqual(['event-loop', 'ok']);
    const io = results.cases.find((c) => c.workload === 'io' && c.connections === 16);
    const p50 = io?.status === 'ok' ? io.latencyUs.p50 : 0;
    console.log(`--netem-delay 5 by ${delayBy}: io at 16 clients, p50 ${(p50 / 1000).toFixed(1)} ms`);
    expect(p50).toBeGreaterThanOrEqual(30_000);
    expect(labNamespaces().filter((n) => n.startsWith('labns-'))).toEqual([]);
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain('labns-');
    expect(labLinks()).toEqual([]);
    const [page] = readdirSync(out).filter((d) => existsSync(join(out, d, 'report.html'))).map((d) => readFileSync(join(out, d, 'report.html'), 'utf8'));
    expect(page).toContain(delayBy === 'relay' ? "a namespace link with 5 ms each way (added by the lab's relay in the bench process: its CPU counts as the client's)" : 'a namespace link with 5 ms each way (tc netem)');
  });

  it.skipIf(noNetns !== null)(`--netem-rate 1: the link carries no more than 1 Mbit/s, so static answers come at most 125 kB/s ÷ their size; nothing left behind${noNetns === null ? '' : ` (skipped: ${noNetns})`}`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-netns-'));
    const run = await bench(['--netns', '--netem-rate', '1', '--models', 'event-loop', '--workloads', 'static', '--connections', '16', '--duration', '0.5', '--trials', '1', '--max-trials', '1', '--out', out]);
    expect(run.status, run.output).toBe(0);
    const results = resultsIn(out);
    expect(results.options.network).toEqual({ namespaces: true, delayMs: 0, rateMbit: 1, delayBy });
    const served = results.cases.find((c) => c.workload === 'static' && c.connections === 16);
    expect(served?.status).toBe('ok');
    // The body alone (headers come on top): 1 Mbit/s is 125,000 bytes a second, so no more answers than that allows.
    const bodyBytes = readFileSync(join(repoRoot, 'servers', 'app', 'public', 'about.html')).length;
    const rps = served?.status === 'ok' ? served.rps : Number.POSITIVE_INFINITY;
    console.log(`--netem-rate 1 by ${delayBy}: static at 16 clients, ${rps} req/s (bound ${Math.round(125_000 / bodyBytes)})`);
    expect(rps).toBeLessThanOrEqual(125_000 / bodyBytes);
    expect(rps).toBeGreaterThan(10);
    expect(labNamespaces().filter((n) => n.startsWith('labns-'))).toEqual([]);
    expect(labLinks()).toEqual([]);
  });
});
