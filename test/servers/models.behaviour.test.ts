/**
 * Each model is what it claims, shown as relations with generous margins (the machine is shared and noisy).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../bench/run/server-process.js';
import { processGroup, processTree } from '../../lib/process-tree.js';
import { jsonOf, rawRequest } from '../helpers/http.js';

const started: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

const CLIENTS_4 = 4;

async function start(model: string, params: Record<string, number> = {}): Promise<ServerProcess> {
  const server = await startServerProcess(model, { params });
  started.push(server);
  return server;
}

/** Sends n requests at once, each on its own connection; resolves with the wall time and the answers. */
async function concurrently(url: string, path: string, n: number): Promise<{ ms: number; who: string[] }> {
  const t0 = performance.now();
  const answers = await Promise.all(Array.from({ length: n }, () => rawRequest(url, path)));
  const ms = performance.now() - t0;
  for (const a of answers) expect(a.status).toBe(200);
  return { ms, who: answers.map((a) => `${String(a.headers['x-served-by-pid'])}/${String(a.headers['x-served-by-thread'])}`) };
}

describe('waits', () => {
  // Long enough that a loaded or single-core machine cannot blur one round of waits into the next. Upper bounds
  // sit at least half a wait above what the model should take; lower bounds are close, since a wait never ends
  // early, however loaded the machine.
  const WAIT = 500;
  const CLIENTS = 4;

  it('sequential serves waiting requests one after another: about the sum of the waits', async () => {
    const server = await start('sequential');
    const { ms } = await concurrently(server.url, `/work?io=${WAIT}`, CLIENTS);
    expect(ms).toBeGreaterThan(0.95 * WAIT * CLIENTS);
  });

  it('event-loop overlaps the waits: about one wait, far from their sum', async () => {
    const server = await start('event-loop');
    const { ms } = await concurrently(server.url, `/work?io=${WAIT}`, CLIENTS);
    expect(ms).toBeGreaterThanOrEqual(WAIT - 5);
    expect(ms).toBeLessThan((WAIT * CLIENTS) / 2); // 1 round expected; 4 would be sequential
  });

  it('worker-pool overlaps as many waits as it has threads', async () => {
    const server = await start('worker-pool', { threads: 2 });
    const { ms } = await concurrently(server.url, `/work?io=${WAIT}`, CLIENTS);
    // 4 waits on 2 threads: two rounds, not one and not four.
    expect(ms).toBeGreaterThan(1.9 * WAIT);
    expect(ms).toBeLessThan(3.5 * WAIT);
  });
});

describe('per-request models: a thread or a process of its own for every request', () => {
  const WAIT_300 = 300;

  it.each([
    ['thread-per-request', { threads: 4 }],
    ['process-per-request', { processes: 4 }],
  ] as const)('%s overlaps 4 concurrent waits of 300 ms: at most 900 ms in all', async (model, params) => {
    const server = await start(model, params);
    const { ms } = await concurrently(server.url, `/work?io=${WAIT_300}`, CLIENTS_4);
    expect(ms).toBeGreaterThanOrEqual(WAIT_300 - 5);
    expect(ms).toBeLessThanOrEqual(3 * WAIT_300); // 4 × 300 ms if they did not overlap
  });

  it.each([
    ['thread-per-request', { threads: 2 }],
    ['process-per-request', { processes: 2 }],
  ] as const)('%s bounds its live threads or processes: 4 waits on 2 take two rounds', async (model, params) => {
    const server = await start(model, params);
    const { ms } = await concurrently(server.url, `/work?io=${WAIT_300}`, CLIENTS_4);
    expect(ms).toBeGreaterThan(1.9 * WAIT_300);
  });

  it('thread-per-request answers each request from a new thread, process-per-request from a new process', async () => {
    const threads = await start('thread-per-request');
    const processes = await start('process-per-request');
    const threadIds = new Set<string>();
    const pids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      threadIds.add(String((await rawRequest(threads.url, '/')).headers['x-served-by-thread']));
      pids.add(String((await rawRequest(processes.url, '/')).headers['x-served-by-pid']));
    }
    expect(threadIds.size).toBe(5);
    expect(pids.size).toBe(5);
    expect(pids.has(String(processes.pid))).toBe(false);
  });

  it.each(['thread-per-request', 'process-per-request'])('%s leaves no process behind when stopped with requests in flight', async (model) => {
    const server = await startServerProcess(model);
    try {
      const inFlight = Array.from({ length: 3 }, () => rawRequest(server.url, '/work?io=5000').catch(() => null));
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (model === 'process-per-request') expect(processGroup(server.pid).length).toBeGreaterThan(1); // its request processes
      await server.stop();
      expect(processGroup(server.pid)).toEqual([]);
      await Promise.all(inFlight);
    } finally {
      await server.stop();
    }
  });

  it('process-per-request pays a cold start on every request: its median hello is at least 5 times the event loop’s', async () => {
    const median = async (url: string): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        expect((await rawRequest(url, '/')).status).toBe(200);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return times[15] ?? Number.NaN;
    };
    const eventLoop = await start('event-loop');
    const perProcess = await start('process-per-request');
    const [fast, slow] = [await median(eventLoop.url), await median(perProcess.url)];
    expect(slow).toBeGreaterThanOrEqual(5 * fast);
  }, 60_000);
});

describe('CPU work spreads over threads and processes', () => {
  const CPU = 400_000; // tens of ms of PBKDF2: long enough that two requests overlap

  it('worker-pool answers two concurrent CPU requests from two different pool threads', async () => {
    const server = await start('worker-pool', { threads: 2 });
    const { who } = await concurrently(server.url, `/work?cpu=${CPU}`, 2);
    expect(new Set(who).size).toBe(2);
  });

  it('cluster answers two concurrent CPU requests from two different processes', async () => {
    const server = await start('cluster', { processes: 2 });
    const { who } = await concurrently(server.url, `/work?cpu=${CPU}`, 2);
    expect(new Set(who.map((w) => w.split('/')[0])).size).toBe(2);
  });

  it('event-loop answers everything from its one thread', async () => {
    const server = await start('event-loop');
    const { who } = await concurrently(server.url, `/work?cpu=${CPU}`, 2);
    expect(new Set(who).size).toBe(1);
  });
});

describe('cluster', () => {
  it('replaces a process that dies, and keeps serving', async () => {
    const server = await start('cluster', { processes: 2 });
    const children = (): number[] => processTree(server.pid).filter((p) => p.pid !== server.pid).map((p) => p.pid);
    expect(children()).toHaveLength(2);
    const victim = (jsonOf(await rawRequest(server.url, '/health')) as { pid: number }).pid;
    process.kill(victim, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (children().includes(victim) || children().length < 2)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(children()).not.toContain(victim);
    // The replacement listens on the same port: every answer comes from a live process, and both answer (asked until
    // both have, or 10 s). A replacement that could not listen (started on port 0, as the bench starts servers, it
    // once asked for the port the first ones got, and the primary bound it again: EADDRINUSE) never answers.
    const pids = new Set<number>();
    const until = Date.now() + 10_000;
    while (pids.size < 2 && Date.now() < until) {
      const response = await rawRequest(server.url, '/health');
      expect(response.status).toBe(200);
      pids.add((jsonOf(response) as { pid: number }).pid);
    }
    expect(pids.has(victim)).toBe(false);
    expect(pids.size).toBe(2);
    expect(children()).toHaveLength(2);
    expect(server.stderrTail()).not.toContain('EADDRINUSE');
  });

  it('leaves no process behind when stopped', async () => {
    const server = await startServerProcess('cluster', { params: { processes: 2 } });
    expect(processGroup(server.pid).length).toBe(3);
    await server.stop();
    expect(processGroup(server.pid)).toEqual([]);
  });
});
