/**
 * --target: a server someone started elsewhere with `npm run serve`. The bench learns what it is from its
 * /health, measures the round trip to it while it is idle, samples its CPU and memory from its /lab/usage
 * route (this machine cannot read that one's /proc), and never stops it: it is not the bench's to stop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { spokenMessage } from '../../lib/errors.js';
import { t } from '../../lib/lang/lang.js';
import { printable, quoted } from '../../lib/printable.js';
import { CATALOGUE, isModelName, type ModelName } from '../../servers/catalogue.js';
import { firstIssue, ModelParamsSchema, PidSchema, TargetUsageSchema } from '../../results/schema.js';
import { median } from '../../results/stats/stats.js';
import { getAnswer } from './http-get.js';
import { assertLoadTarget } from './load-target.js';
import type { Sampler } from '../machine/sampler.js';

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

/** Every answer from a target, whole, within this long (a trickle of bytes does not reset it). */
const TIMEOUT_MS = 5000;
/** /health and /lab/usage are a few hundred bytes: anything near this is not a lab server. */
const SMALL_ANSWER_BYTES = 64 * 1024;

async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const answer = await getAnswer(url, { totalMs: TIMEOUT_MS, maxBytes: SMALL_ANSWER_BYTES, ...(signal === undefined ? {} : { signal }) });
  if (answer.status !== 200) throw new Error(t('err.target.status', { path: new URL(url).pathname, status: String(answer.status) }));
  try {
    return JSON.parse(answer.body);
  } catch {
    throw new Error(t('err.target.json', { path: new URL(url).pathname, body: quoted(answer.body, 40) }));
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Idle round trips to /health: a few to open the connection and wake the server, then `count` timed. */
export async function measureRoundTrip(url: string, count = 10, signal?: AbortSignal): Promise<RoundTrip> {
  const times: number[] = [];
  for (let i = 0; i < count + 2; i++) {
    const t0 = performance.now();
    await getAnswer(`${url}/health`, { totalMs: TIMEOUT_MS, maxBytes: SMALL_ANSWER_BYTES, ...(signal === undefined ? {} : { signal }) });
    if (i >= 2) times.push(performance.now() - t0);
    await sleep(20); // held (not unref'd): idle keep-alive sockets alone do not keep the process up
  }
  const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;
  return { medianMs: round3(median(times)), minMs: round3(Math.min(...times)), samples: times.length };
}

/**
 * What a target's /health says, held to the rules the results file will hold it to (a pid, a model of the lab,
 * that model's parameters as whole numbers in serve's bounds): a lie is refused here, before any load, not after
 * the whole run when the file is written. Every piece of its text in an error is escaped and bounded.
 */
export function checkHealth(url: string, health: unknown): Pick<RemoteTarget, 'model' | 'params' | 'pid'> {
  if (!isRecord(health) || typeof health.model !== 'string') throw new Error(t('err.target.noModel', { url }));
  const model = health.model;
  if (!isModelName(model) || CATALOGUE[model].reference) throw new Error(t('err.target.notModel', { url, model: quoted(model, 40) }));
  const pid = PidSchema.safeParse(health.pid);
  if (!pid.success) throw new Error(t('err.target.pid', { url, pid: printable(String(health.pid), 40), issue: firstIssue(pid.error) }));
  const params = ModelParamsSchema.safeParse(health.params);
  if (!isRecord(health.params) || !params.success) {
    throw new Error(t('err.target.params', { url, issue: params.success ? t('err.target.missing') : firstIssue(params.error) }));
  }
  const expected: readonly string[] = CATALOGUE[model].params;
  const names = Object.keys(params.data);
  if (names.length !== expected.length || !names.every((n) => expected.includes(n))) {
    throw new Error(t('err.target.paramNames', { url, names: quoted(names.join(', '), 60), model, expected: expected.length === 0 ? t('err.target.none') : expected.join(', ') }));
  }
  return { model, params: params.data, pid: pid.data };
}

/** One /lab/usage sample, or why it is not one (held to the results file's bounds). */
function checkUsage(value: unknown): { ok: true; sample: UsageSample } | { ok: false; why: string } {
  const parsed = TargetUsageSchema.safeParse(value);
  return parsed.success ? { ok: true, sample: parsed.data } : { ok: false, why: firstIssue(parsed.error) };
}

/**
 * What the target is: a model of the lab, started by `npm run serve` (so /health names its parameters), with the
 * /lab/usage route. Throws one line that says what is wrong, before anything else happens.
 */
export async function connectTarget(url: string, signal?: AbortSignal): Promise<RemoteTarget> {
  assertLoadTarget(url, url);
  let health: unknown;
  try {
    health = await getJson(`${url}/health`, signal);
  } catch (error: unknown) {
    throw new Error(t('err.target.noServer', { url, why: spokenMessage(error) }));
  }
  const checked = checkHealth(url, health);
  let usage: unknown;
  try {
    usage = await getJson(`${url}/lab/usage`, signal);
  } catch (error: unknown) {
    throw new Error(t('err.target.usage', { url, why: spokenMessage(error) }));
  }
  const sample = checkUsage(usage);
  if (!sample.ok) throw new Error(t('err.target.usageLies', { url, why: sample.why }));
  let rtt: RoundTrip;
  try {
    rtt = await measureRoundTrip(url, 10, signal);
  } catch (error: unknown) {
    throw new Error(t('err.target.rtt', { url, why: spokenMessage(error) }));
  }
  return { url, ...checked, rtt };
}

interface UsageSample {
  readonly atMs: number;
  readonly cpuMs: number;
  readonly rssBytes: number;
  readonly processes: number;
}

/**
 * Samples the target's /lab/usage every `intervalMs`, each answer bounded in time and size. CPU is the difference
 * between the first and last samples over the server's own clock between them (not this machine's, not the
 * network's). A sample that breaks the results file's bounds is left out. Stop is synchronous, as the local
 * sampler's: a sample still in flight then is left out.
 */
export function startRemoteSampler(url: string, intervalMs = 100): Sampler {
  const samples: UsageSample[] = [];
  const benchStart = process.cpuUsage();
  const t0 = performance.now();
  const stopper = new AbortController();
  // A function, not a read: stop() changes it while a request is out, which narrowing cannot see.
  const isStopped = (): boolean => stopper.signal.aborted;
  const poll = async (): Promise<void> => {
    while (!isStopped()) {
      const next = sleep(intervalMs).catch(() => undefined);
      try {
        const answer = await getAnswer(`${url}/lab/usage`, { totalMs: TIMEOUT_MS, maxBytes: SMALL_ANSWER_BYTES, signal: stopper.signal });
        const checked = checkUsage(JSON.parse(answer.body) as unknown);
        if (!isStopped() && checked.ok) samples.push(checked.sample);
      } catch {
        // a missed sample: the window is measured between the ones that came
      }
      await next;
    }
  };
  void poll();
  return {
    stop: () => {
      stopper.abort();
      const wallMs = performance.now() - t0;
      const bench = process.cpuUsage(benchStart);
      const first = samples[0];
      const last = samples[samples.length - 1];
      const spanMs = first === undefined || last === undefined ? 0 : last.atMs - first.atMs;
      const serverCpuMs = first === undefined || last === undefined ? 0 : Math.max(0, last.cpuMs - first.cpuMs);
      return {
        serverCpuPercent: spanMs > 0 ? Math.round((serverCpuMs / spanMs) * 1000) / 10 : 0,
        serverCpuMs,
        serverRssPeakBytes: Math.max(0, ...samples.map((s) => s.rssBytes)),
        serverProcesses: Math.max(0, ...samples.map((s) => s.processes)),
        benchCpuMs: (bench.user + bench.system) / 1000,
        wallMs,
      };
    },
  };
}
