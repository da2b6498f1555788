/**
 * Theory against measurement, case by case: how far each prediction (results/predict.ts, predict-open.ts) is
 * from what the run measured, and where they part by more than 15 %, the likely cause, read from what the
 * case itself recorded (the client's CPU, the machine's marks, memory, the model's hand-offs).
 */
import { CLIENT_SATURATED_PERCENT } from './case-summary.js';
import { formatBytes, formatRps } from './format.js';
import type { OkCase, Results } from './schema.js';
import { openCurve } from './predict-open.js';

/** Theory and measurement "disagree" beyond this relative error of the throughput. */
export const DISAGREEMENT = 0.15;

export interface PredictionCheck {
  readonly model: string;
  readonly workload: string;
  readonly mode: 'closed' | 'open';
  /** Clients (closed loop) or offered rate (open loop). */
  readonly at: number;
  readonly measuredRps: number;
  readonly predictedRps: number;
  /** measured / predicted − 1: +0.2 means 20 % more than theory said. */
  readonly rpsError: number;
  readonly measuredMeanUs: number;
  readonly predictedMeanUs: number;
  readonly latencyError: number;
  readonly disagrees: boolean;
  /** The likely cause where they disagree, in a sentence; null where they agree. */
  readonly cause: string | null;
}

/** "+8%", "−12%", and "0%" for what rounds to nothing (a sign on 0 would claim a direction it does not have). */
const pct = (x: number): string => {
  const whole = Math.round(Math.abs(x) * 100);
  return whole === 0 ? '0%' : `${x > 0 ? '+' : '−'}${whole}%`;
};
export const errorText = pct;

/** Models whose requests cross between threads or processes on the way. */
const HAND_OFF_MODELS = new Set(['worker-pool', 'cluster']);

function oneClientCase(results: Results, c: OkCase): OkCase | undefined {
  const found = results.cases.find((x) => x.mode === 'closed' && x.model === c.model && x.workload === c.workload && x.connections === 1);
  return found?.status === 'ok' ? found : undefined;
}

/**
 * The likeliest reason a case's throughput is `error` away from theory, from what the case recorded. Above
 * theory, only what makes the 1-client demands too high can explain it; below, whatever slowed the case.
 */
export function likelyCause(results: Results, c: OkCase, error: number): string {
  const base = oneClientCase(results, c);
  const shaky = base?.warnings.find((w) => w.code === 'wide-interval' || w.code === 'marked-trials');
  const unsure = shaky === undefined ? null : `uncertain demands: the 1-client case the prediction stands on was itself unsure (${shaky.message})`;
  if (error > 0) {
    return (
      unsure ??
      'JIT and batching: at 1 client each request pays costs that load spreads out (a wake-up of the client and of the server, a loop turn, code not yet optimised), so the demands measured there overstate what a request costs under load'
    );
  }
  if (c.warnings.some((w) => w.code === 'client-saturated') || c.clientCpuPercent >= CLIENT_SATURATED_PERCENT) {
    return `client saturation: the load generator used ${Math.round(c.clientCpuPercent)}% of a core, so the client, not the model, set the pace`;
  }
  if (c.warnings.some((w) => w.code === 'client-lag')) return 'client saturation: the client trailed its own schedule, so fewer requests went out than planned';
  const rate = results.options.network?.rateMbit;
  if (rate !== undefined) {
    return `the link's rate: at most ${rate} Mbit/s each way (--netem-rate), a station the model leaves out; answers queue for the wire, whose time theory counts as a delay every client can spend at once`;
  }
  if (c.warnings.some((w) => w.code === 'slow-ramp')) {
    return 'clients still getting in: the window opened with some clients not yet answered (the bench stopped waiting for them), so fewer clients were served than the case says';
  }
  if (c.trials.some((t) => t.marked.length > 0)) return 'the machine changed during the run: some trials were taken while it was busy or slower';
  if (unsure !== null) return unsure;
  if (base !== undefined && c.serverRssPeakBytes > 1.5 * base.serverRssPeakBytes) {
    return `memory: the server grew to ${formatBytes(c.serverRssPeakBytes)} (${formatBytes(base.serverRssPeakBytes)} at 1 client), and collecting garbage takes a share of the CPU the model does not count`;
  }
  if (HAND_OFF_MODELS.has(c.model)) {
    return 'hand-off cost: passing requests and answers between threads or processes costs more under load than at 1 client (queues, copies, wake-ups, context switches)';
  }
  return 'contention the model leaves out: the kernel’s network stack, context switches and caches, shared by the server and the client on the same cores';
}

/** Every ok case that carries a prediction, with its errors and, where they part, the likely cause. */
export function checkPredictions(results: Results): PredictionCheck[] {
  const out: PredictionCheck[] = [];
  for (const c of results.cases) {
    if (c.status !== 'ok' || c.predicted === undefined || !(c.predicted.rps > 0)) continue;
    // A 1-client closed case is where the demands come from: theory matches it by construction.
    if (c.mode === 'closed' && c.connections === 1) continue;
    const rpsError = c.rps / c.predicted.rps - 1;
    const latencyError = c.predicted.meanLatencyUs > 0 ? c.latencyUs.mean / c.predicted.meanLatencyUs - 1 : 0;
    // In an open loop below saturation every model keeps up: the latency is where theory can be wrong.
    const disagrees = Math.abs(rpsError) > DISAGREEMENT || (c.mode === 'open' && Math.abs(latencyError) > DISAGREEMENT);
    const capacity = c.mode === 'open' ? (openCurve(results, c.model, c.workload, c.modelParams, [c.targetRate ?? 0])?.capacity ?? null) : null;
    const cause = !disagrees ? null : c.mode === 'open' ? openCause(results, c, rpsError, latencyError, capacity) : likelyCause(results, c, rpsError);
    out.push({
      model: c.model,
      workload: c.workload,
      mode: c.mode,
      at: c.mode === 'open' ? (c.targetRate ?? 0) : c.connections,
      measuredRps: c.rps,
      predictedRps: c.predicted.rps,
      rpsError,
      measuredMeanUs: c.latencyUs.mean,
      predictedMeanUs: c.predicted.meanLatencyUs,
      latencyError,
      disagrees,
      cause,
    });
  }
  return out;
}

/** An offered rate this close to a capacity (either side) makes the queue, and so the latency, hang on small errors. */
export const NEAR_CAPACITY = 0.15;

/** Why an open-loop case parts from theory: its throughput (the client, the capacity) or its latency. */
function openCause(results: Results, c: OkCase, rpsError: number, latencyError: number, capacity: number | null): string {
  const rate = c.targetRate ?? 0;
  if (c.warnings.some((w) => w.code === 'client-lag' || w.code === 'client-saturated')) return 'client saturation: the client trailed its own schedule, which lowers the rate it offered and adds to every latency';
  if (c.rps > rate * (1 + DISAGREEMENT)) return `too few requests: ${c.planned ?? c.requests} in the window${c.trials.length > 1 ? 's' : ''}, so the answered rate is a rough count`;
  if (capacity !== null && Math.abs(rate / capacity - 1) < NEAR_CAPACITY) {
    return `near saturation: theory puts the capacity at ${capacity.toFixed(1)} req/s, close to the ${rate} offered; so close to full, a small error in the demands moves the queue a lot, and a window of a few seconds never reaches a steady state`;
  }
  if (Math.abs(rpsError) > DISAGREEMENT) return likelyCause(results, c, rpsError);
  const error = latencyError;
  if (error > 0.5) return 'a queue that took long to settle: a window of a few seconds saw more waiting than theory gives';
  return error > 0
    ? 'service times vary more under load than at 1 client (garbage collection, the scheduler, the other connections), and variable services queue longer'
    : 'requests were served in batches: under load one loop turn serves several, so a request waits less than the 1-client demand implies';
}

/** "sequential at 64 clients: measured 47.1 req/s, theory 48.2 (−2%)" — for the page's list of disagreements. */
export function checkText(k: PredictionCheck): string {
  const where = k.mode === 'open' ? `${k.at} req/s offered` : `${k.at} client${k.at === 1 ? '' : 's'}`;
  return `\`${k.model}\` at ${where}: measured ${formatRps(k.measuredRps)} req/s, theory ${formatRps(k.predictedRps)} (${pct(k.rpsError)}); mean latency ${pct(k.latencyError)} against theory`;
}
