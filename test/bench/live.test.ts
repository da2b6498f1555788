/**
 * The live view (`npm run bench -- --live`): its options refused in one line, its server on its own (host check,
 * bounds, snapshot then events, closed for good), the load driver's ticks and the feed's "last second" with
 * exact numbers, and a real short run followed from its calibration to its end, on success and on Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveFeed } from '../../bench/live/live-feed.js';
import { MAX_VIEWERS, startLiveServer } from '../../bench/live/live-server.js';
import { newLatencyHistogram } from '../../bench/load/latency.js';
import { startLoad } from '../../bench/load/closed-loop.js';
import { startOpenLoad } from '../../bench/load/open-loop.js';
import type { LoadTick } from '../../bench/load/load-progress.js';
import type { TrialInfo } from '../../bench/run/run.js';
import type { LiveEvent, LiveSnapshot } from '../../results/live-feed.js';
import { openEvents, openEventsWhenUp, type EventStream } from '../helpers/sse.js';
import { eventually } from '../helpers/wait.js';
import { BENCH, expectRefusal, labServers } from '../helpers/bench-cli.js';

const children: ChildProcess[] = [];
const streams: EventStream[] = [];
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});


/** Whether something accepts connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('error', () => {
      resolve(false);
    });
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** GET with a chosen Host header and method; the status and body. */
function ask(port: number, path: string, options: { host?: string; method?: string } = {}): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: options.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) });
      });
    });
    req.once('error', reject);
    req.end();
  });
}

const SNAPSHOT: LiveSnapshot = { title: 't', plan: 'p', status: { atMs: 0, phase: 'calibrating CPU work', trial: null, secondsLeft: null, now: null }, cellName: null, lines: [], cases: [] };

describe('--live options', () => {
  it.each([
    [['--live-port', 'abc'], '--live-port'],
    [['--live-port', '70000'], '--live-port'],
    [['--live-port', '-1'], '--live-port'],
    [['--live=yes'], '--live'],
  ])('%j: one line, status 2, nothing started', (args, message) => {
    expectRefusal(['--profile', 'smoke', ...args], message);
  });

  it('a --live-port in use: one line, status 2, before any server or calibration', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const out = mkdtempSync(join(tmpdir(), 'lab-live-'));
      const result = spawnSync(process.execPath, [BENCH, '--profile', 'smoke', '--live-port', String(port), '--out', out], { encoding: 'utf8', timeout: 10_000 });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^bench: --live-port ${port}: .*EADDRINUSE`))]);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      taken.close();
    }
  });

  it('--help names --live and --live-port', () => {
    const result = spawnSync(process.execPath, [BENCH, '--help'], { encoding: 'utf8' });
    expect(result.stdout).toContain('--live ');
    expect(result.stdout).toContain('--live-port');
  });
});

describe('the live server', () => {
  it('serves the page and a snapshot then every event; refuses other hosts, paths, methods and viewers past the bound; closes for good', async () => {
    const server = await startLiveServer({ port: 0, page: '<!doctype html><p>live</p>', snapshot: () => SNAPSHOT });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
      const page = await ask(server.port, '/');
      expect([page.status, page.body, page.type]).toEqual([200, '<!doctype html><p>live</p>', 'text/html; charset=utf-8']);
      expect((await ask(server.port, '/', { host: 'evil.example:80' })).status).toBe(421);
      expect((await ask(server.port, '/events', { host: `attacker.example:${server.port}` })).status).toBe(421);
      expect((await ask(server.port, '/nope')).status).toBe(404);
      expect((await ask(server.port, '/', { method: 'POST' })).status).toBe(405);

      const stream = await openEvents(server.url);
      streams.push(stream);
      expect(stream.status).toBe(200);
      expect(stream.contentType).toBe('text/event-stream; charset=utf-8');
      expect(await eventually(() => stream.events.length === 1, 2000)).toBe(true);
      expect(stream.events[0]?.event).toEqual({ type: 'snapshot', snapshot: SNAPSHOT });
      const status: LiveEvent = { type: 'status', status: { ...SNAPSHOT.status, atMs: 5, phase: 'probing' } };
      server.send(status);
      expect(await eventually(() => stream.events.length === 2, 2000)).toBe(true);
      expect(stream.events[1]?.event).toEqual(status);

      // The bound: MAX_VIEWERS streams at once, then 503.
      const more = await Promise.all(Array.from({ length: MAX_VIEWERS - 1 }, () => openEvents(server.url)));
      streams.push(...more);
      expect(more.every((s) => s.status === 200)).toBe(true);
      const over = await openEvents(server.url);
      streams.push(over);
      expect(over.status).toBe(503);

      await server.close();
      // Every stream ended, and nothing listens any more.
      await Promise.all([stream.ended, ...more.map((s) => s.ended)]);
      expect(await accepts(server.port)).toBe(false);
    } finally {
      await server.close();
    }
  });
});

/** A tick as the load driver gives it: `responses` answers of `latencyUs` each over `seconds`. */
function tick(elapsedSeconds: number, seconds: number, responses: number, latencyUs: number): LoadTick {
  const histogram = newLatencyHistogram();
  for (let i = 0; i < responses; i++) histogram.recordValue(latencyUs);
  return { elapsedSeconds, intervalSeconds: seconds, stage: 'window', responses, errors: 0, histogram };
}

const INFO: TrialInfo = { cell: 0, cells: 1, workload: 'hello', connections: 4, model: 'event-loop', round: 1, retry: false, secondsLeft: 10, warmupSeconds: 0.5, durationSeconds: 1 };

describe('the live feed', () => {
  it("turns the load's ticks into the last second: throughput over the last four ticks, latency of their answers together", () => {
    const sent: LiveEvent[] = [];
    let clock = 0;
    const feed = createLiveFeed((e) => sent.push(e), { title: 't', plan: 'p' }, () => clock);
    try {
      feed.hooks.onPhase('calibrating CPU work');
      feed.hooks.onTrialStart(INFO);
      feed.hooks.onLoadProgress(tick(0.25, 0.25, 100, 1000));
      feed.hooks.onLoadProgress(tick(0.5, 0.25, 100, 1000));
      feed.hooks.onLoadProgress(tick(0.75, 0.25, 100, 1000));
      feed.hooks.onLoadProgress(tick(1, 0.25, 100, 1000));
      let point = sent.at(-1);
      expect(point?.type === 'point' ? point.point : null).toEqual({ t: 1, stage: 'window', rps: 400, p50Us: 1000, p99Us: 1000, errors: 0 });
      // A fifth tick pushes the first out of the last second: 300 answers at 1 ms and 20 at 9 ms, over one second.
      feed.hooks.onLoadProgress(tick(1.25, 0.25, 20, 9000));
      point = sent.at(-1);
      expect(point?.type === 'point' ? point.point : null).toMatchObject({ t: 1.25, rps: 320, p50Us: 1000 });
      expect(point?.type === 'point' ? point.point.p99Us : 0).toBeGreaterThanOrEqual(8990);
      clock = 2000;
      const snap = feed.snapshot();
      expect(snap.status.phase).toBe('measuring');
      expect(snap.status.trial).toMatchObject({ workload: 'hello', connections: 4, model: 'event-loop', round: 1 });
      expect(snap.status.secondsLeft).toBe(8); // 10 s left at the trial's start, 2 s ago
      expect(snap.cellName).toBe('hello × 4');
      expect(snap.lines).toHaveLength(1);
      expect(snap.lines[0]?.points).toHaveLength(5);
      // A tick outside a trial (a server's own warm-up) is not shown.
      feed.hooks.onTrialEnd(INFO, { trial: { round: 1, order: 0, startedAt: '', marked: [], status: 'failed', error: 'x' }, histogram: null });
      const count = sent.length;
      feed.hooks.onLoadProgress(tick(0.25, 0.25, 100, 1000));
      expect(sent.length).toBe(count);
      feed.end({ outcome: 'complete', message: 'done' });
      expect(sent.at(-1)).toMatchObject({ type: 'end', end: { outcome: 'complete' } });
      feed.hooks.onPhase('after the end');
      expect(sent.length).toBe(count + 1);
    } finally {
      feed.end({ outcome: 'complete', message: '' });
    }
  });
});

describe('the load driver ticks', () => {
  it('reports every answer once, a few times a second, with its latency', async () => {
    const target = (await import('node:http')).createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = target.address() as AddressInfo;
      const ticks: { elapsed: number; responses: number; counted: number; stage: string }[] = [];
      const load = startLoad({
        url: `http://127.0.0.1:${port}`,
        paths: ['/'],
        connections: 2,
        warmupSeconds: 0.3,
        durationSeconds: 1,
        maxDrainSeconds: 1,
        onProgress: (t) => ticks.push({ elapsed: t.elapsedSeconds, responses: t.responses, counted: t.histogram.totalCount, stage: t.stage }),
      });
      const outcome = await load.done;
      // About 4 a second over 1.3 s (a shared machine may delay a timer, never add one).
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks.length).toBeLessThanOrEqual(7);
      for (const t of ticks) expect(t.counted).toBe(t.responses);
      const stages = new Set(ticks.map((t) => t.stage));
      expect(stages.has('warmup') && stages.has('window')).toBe(true);
      // Every answer of the window is in some tick (the ticks also hold the warm-up's).
      const total = ticks.reduce((a, t) => a + t.responses, 0);
      expect(total).toBeGreaterThanOrEqual(outcome.responses);
      expect(outcome.responses).toBeGreaterThan(50);
    } finally {
      target.close();
    }
  });
});

describe('the open-loop driver ticks', () => {
  it('reports the answers of the planned requests, a few times a second, with their latency from the planned send', async () => {
    const target = (await import('node:http')).createServer((_req, res) => setTimeout(() => res.end('ok'), 5));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = target.address() as AddressInfo;
      const ticks: LoadTick[] = [];
      const seen: { responses: number; counted: number; minUs: number }[] = [];
      const load = startOpenLoad({
        url: `http://127.0.0.1:${port}`,
        paths: ['/'],
        rate: 100,
        arrivals: 'constant',
        random: Math.random,
        maxInflight: 8,
        warmupSeconds: 0.2,
        durationSeconds: 1,
        maxDrainSeconds: 1,
        onProgress: (t) => {
          ticks.push(t);
          seen.push({ responses: t.responses, counted: t.histogram.totalCount, minUs: t.histogram.totalCount > 0 ? t.histogram.minNonZeroValue : Infinity });
        },
      });
      const outcome = await load.done;
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks.length).toBeLessThanOrEqual(7);
      for (const t of seen) expect(t.counted).toBe(t.responses);
      // Each answer waited at least the server's 5 ms.
      expect(Math.min(...seen.map((t) => t.minUs))).toBeGreaterThanOrEqual(4000);
      // 100 per second over 1.2 s: about 120 answers in all, the window's among them.
      const total = seen.reduce((a, t) => a + t.responses, 0);
      expect(total).toBeGreaterThanOrEqual(outcome.responses);
      expect(total).toBeGreaterThan(80);
      expect(total).toBeLessThanOrEqual(125);
    } finally {
      target.close();
    }
  });
});

/** Starts the bench; its stderr and stdout kept, its exit awaited. */
function startBench(args: string[]): { child: ChildProcess; exit: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [BENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exit, stderr: () => stderr };
}

const SHORT_RUN = ['--models', 'event-loop', '--workloads', 'hello', '--connections', '4', '--duration', '1', '--warmup', '0.3', '--trials', '2', '--max-trials', '2', '--budget', '1'];

describe('a run followed live', () => {
  it('streams from calibration to the end: 4 events in 3 s, never a long silence, the running case and its numbers, then the server is gone', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const out = mkdtempSync(join(tmpdir(), 'lab-live-'));
    const run = startBench([...SHORT_RUN, '--live-port', String(port), '--out', out]);
    // Connect the moment the server listens: before the bench calibrates.
    const stream = await openEventsWhenUp(`http://127.0.0.1:${port}/`, 15_000);
    streams.push(stream);
    const connected = performance.now();
    expect(stream.contentType).toBe('text/event-stream; charset=utf-8');
    await stream.ended;
    expect(await run.exit).toBe(0);
    expect(run.stderr().split('\n')[0]).toBe(`live: http://127.0.0.1:${port}/`);

    const { events } = stream;
    expect(events.filter((e) => e.at - connected <= 3000).length).toBeGreaterThanOrEqual(4);
    const phaseOf = (e: LiveEvent): string => (e.type === 'snapshot' ? e.snapshot.status.phase : e.status.phase);
    // Events during calibration: the loop was free while the bench calibrated.
    expect(events.some((e) => phaseOf(e.event) === 'calibrating CPU work')).toBe(true);
    // An event at least every 500 ms, from the bench's clock; the receiving side shares 2 cores, hence its margin.
    const sentAt = events.map((e) => (e.event.type === 'snapshot' ? e.event.snapshot.status.atMs : e.event.status.atMs));
    const sentGaps = sentAt.slice(1).map((t, i) => t - (sentAt[i] ?? t));
    expect(Math.max(...sentGaps)).toBeLessThanOrEqual(500 + 150);
    const gaps = events.slice(1).map((e, i) => e.at - (events[i]?.at ?? e.at));
    expect(Math.max(...gaps)).toBeLessThan(1500);

    const starts = events.flatMap((e) => (e.event.type === 'trial-start' ? [e.event] : []));
    expect(starts.length).toBe(2);
    expect(starts[0]?.status.trial).toMatchObject({ workload: 'hello', connections: 4, model: 'event-loop', round: 1 });
    const points = events.flatMap((e) => (e.event.type === 'point' ? [e.event.point] : []));
    const measured = points.filter((p) => p.stage === 'window');
    expect(measured.length).toBeGreaterThanOrEqual(4);
    expect(measured.every((p) => p.rps > 0 && p.p50Us !== null && p.p99Us !== null && p.p50Us <= p.p99Us)).toBe(true);
    const cells = events.flatMap((e) => (e.event.type === 'cell-end' ? e.event.cases : []));
    expect(cells).toMatchObject([{ workload: 'hello', connections: 4, model: 'event-loop', status: 'ok', trials: 2 }]);
    const last = events.at(-1)?.event;
    expect(last?.type).toBe('end');
    if (last?.type === 'end') expect(last.end.outcome).toBe('complete');
    expect(await accepts(port)).toBe(false);
    expect(await eventually(() => labServers().length === 0, 3000)).toBe(true);
  });

  it('Ctrl-C: the viewers are told, the stream ends, the server closes, no process is left', { timeout: 60_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-live-'));
    const run = startBench([...SHORT_RUN, '--duration', '5', '--live', '--out', out]);
    expect(await eventually(() => /^live: http:\/\/127\.0\.0\.1:\d+\/$/m.test(run.stderr()), 15_000)).toBe(true);
    const url = /^live: (\S+)$/m.exec(run.stderr())?.[1] ?? '';
    const port = Number(new URL(url).port);
    const stream = await openEvents(url);
    streams.push(stream);
    expect(await eventually(() => stream.events.some((e) => e.event.type === 'point' && e.event.point.stage === 'window'), 30_000)).toBe(true);
    run.child.kill('SIGINT');
    await stream.ended;
    expect(await run.exit).toBe(130);
    expect(stream.events.at(-1)?.event).toMatchObject({ type: 'end', end: { outcome: 'interrupted' } });
    expect(await accepts(port)).toBe(false);
    expect(await eventually(() => labServers().length === 0, 5000)).toBe(true);
  });
});
