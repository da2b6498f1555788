/**
 * --target: a server someone started elsewhere with `npm run serve`. The bench learns what it is from its
 * /health, measures the round trip to it while it is idle, samples its CPU and memory from its /lab/usage
 * route (this machine cannot read that one's /proc), and never stops it: it is not the bench's to stop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, request } from 'undici';
import { messageOf } from '../lib/errors.js';
import { CATALOGUE, isModelName, type ModelName } from '../servers/catalogue.js';
import { median } from '../results/stats.js';
import { assertLoadTarget } from './load-target.js';
import type { Sampler } from './sampler.js';
import { checkAnswers, waitHealthy, warmUp, type ExpectedAnswer, type RunningModel, type ServerSet } from './servers.js';

export interface RoundTrip {
  readonly medianMs: number;
  readonly minMs: number;
  readonly samples: number;
}

export interface RemoteTarget {
  readonly url: string;
  readonly model: ModelName;
  readonly params: Readonly<Record<string, number>>;
  /** The server's pid on its own host (for the reader only: this machine has no such process). */
  readonly pid: number;
  readonly rtt: RoundTrip;
}

const TIMEOUT_MS = 5000;

async function getJson(url: string): Promise<unknown> {
  const response = await request(url, { headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${new URL(url).pathname} answered ${response.statusCode}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${new URL(url).pathname} did not answer JSON: ${JSON.stringify(text.slice(0, 40))}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Idle round trips to /health: a few to open the connection and wake the server, then `count` timed. */
export async function measureRoundTrip(url: string, count = 10): Promise<RoundTrip> {
  const times: number[] = [];
  for (let i = 0; i < count + 2; i++) {
    const t0 = performance.now();
    const response = await request(`${url}/health`, { headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
    await response.body.text();
    if (i >= 2) times.push(performance.now() - t0);
    await sleep(20); // held (not unref'd): idle keep-alive sockets alone do not keep the process up
  }
  const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;
  return { medianMs: round3(median(times)), minMs: round3(Math.min(...times)), samples: times.length };
}

/**
 * What the target is: a model of the lab, started by `npm run serve` (so /health names its parameters), with the
 * /lab/usage route. Throws one line that says what is wrong, before anything else happens.
 */
export async function connectTarget(url: string): Promise<RemoteTarget> {
  assertLoadTarget(url, url);
  let health: unknown;
  try {
    health = await getJson(`${url}/health`);
  } catch (error: unknown) {
    throw new Error(`--target ${url}: no lab server answers there (${messageOf(error)}); start one with npm run serve -- <model> --host 0.0.0.0 --port N`);
  }
  if (!isRecord(health) || typeof health.model !== 'string' || typeof health.pid !== 'number') throw new Error(`--target ${url}: /health does not name a model of the lab`);
  const model = health.model;
  if (!isModelName(model) || CATALOGUE[model].reference) throw new Error(`--target ${url}: '${model}' is not a model of the lab's application`);
  const params = health.params;
  if (!isRecord(params) || !Object.values(params).every((v) => typeof v === 'number')) {
    throw new Error(`--target ${url}: /health does not give the model's parameters (a server of an older lab, or not started by npm run serve)`);
  }
  try {
    await getJson(`${url}/lab/usage`);
  } catch (error: unknown) {
    throw new Error(`--target ${url}: /lab/usage does not answer (${messageOf(error)}): the server's CPU could not be measured`);
  }
  return { url, model, params: params as Record<string, number>, pid: health.pid, rtt: await measureRoundTrip(url) };
}

interface UsageSample {
  readonly atMs: number;
  readonly cpuMs: number;
  readonly rssBytes: number;
  readonly processes: number;
}

function isUsage(value: unknown): value is UsageSample {
  return isRecord(value) && ['atMs', 'cpuMs', 'rssBytes', 'processes'].every((k) => typeof value[k] === 'number');
}

/**
 * Samples the target's /lab/usage every `intervalMs` on a connection of its own. CPU is the difference between the
 * first and last samples over the server's own clock between them (not this machine's, not the network's). Stop
 * is synchronous, as the local sampler's: a sample still in flight then is left out.
 */
export function startRemoteSampler(url: string, intervalMs = 100): Sampler {
  const pool = new Pool(url, { connections: 1 });
  const samples: UsageSample[] = [];
  const clientStart = process.cpuUsage();
  const t0 = performance.now();
  let stopped = false;
  // A function, not a read: stop() changes it while a request is out, which narrowing cannot see.
  const isStopped = (): boolean => stopped;
  const poll = async (): Promise<void> => {
    while (!isStopped()) {
      const next = sleep(intervalMs);
      try {
        const response = await pool.request({ path: '/lab/usage', method: 'GET', headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
        const value: unknown = JSON.parse(await response.body.text());
        if (!isStopped() && isUsage(value)) samples.push(value);
      } catch {
        // a missed sample: the window is measured between the ones that came
      }
      await next;
    }
  };
  void poll();
  return {
    stop: () => {
      stopped = true;
      void pool.close().catch(() => undefined);
      const wallMs = performance.now() - t0;
      const client = process.cpuUsage(clientStart);
      const clientCpuMs = (client.user + client.system) / 1000;
      const first = samples[0];
      const last = samples[samples.length - 1];
      const spanMs = first === undefined || last === undefined ? 0 : last.atMs - first.atMs;
      const serverCpuMs = first === undefined || last === undefined ? 0 : Math.max(0, last.cpuMs - first.cpuMs);
      return {
        serverCpuPercent: spanMs > 0 ? Math.round((serverCpuMs / spanMs) * 1000) / 10 : 0,
        serverCpuMs,
        serverRssPeakBytes: Math.max(0, ...samples.map((s) => s.rssBytes)),
        serverProcesses: Math.max(0, ...samples.map((s) => s.processes)),
        clientCpuPercent: Math.round((clientCpuMs / wallMs) * 1000) / 10,
        clientCpuMs,
        wallMs,
      };
    },
  };
}

/**
 * The ServerSet of a remote target: `ensure` checks that it is still the model it was, healthy, answering the
 * workload as the application does, and warms it up; `stop` and `stopAll` leave it running.
 */
export function remoteServerSet(target: RemoteTarget, expected: ReadonlyMap<string, ExpectedAnswer>): ServerSet {
  let checked = false;
  const running: RunningModel = {
    server: {
      url: target.url,
      pid: target.pid,
      exited: new Promise<string>(() => undefined), // never: its life is not ours to watch
      stderrTail: () => '',
      stop: () => Promise.resolve(),
    },
    died: () => undefined,
    sampleUsage: () => startRemoteSampler(target.url),
    remote: true,
  };
  return {
    async ensure(model) {
      if (model !== target.model) throw new Error(`the target runs ${target.model}, not ${model}`);
      if (!checked) {
        await waitHealthy(target.url, Date.now() + TIMEOUT_MS);
        await checkAnswers(target.url, expected);
        await warmUp(target.url, [...expected.keys()]);
        checked = true;
      }
      return running;
    },
    stop: () => {
      // A failed trial: check it again before the next one, but never stop it.
      checked = false;
      return Promise.resolve(undefined);
    },
    stopAll: () => Promise.resolve([]),
  };
}
