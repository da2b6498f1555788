/**
 * Theory against measurement, case by case: how far each prediction (results/predict.ts, predict-open.ts) is
 * from what the run measured, and where they part (outside the case's 95 % interval), the likely cause, read from what the
 * case itself recorded (the client's CPU, the machine's marks, memory, the model's hand-offs). The words for them
 * are the pages' (reports/text/causes.ts).
 */
import { CLIENT_SATURATED_PERCENT } from '../stats/case-summary.js';
import type { OkCase, Results } from '../schema.js';
import { openCurve } from './predict-open.js';
import type { Said } from '../../lib/lang/lang.js';
import { fittedCases, fittedPrediction } from './predict.js';

/** Without an interval to judge by (one trial), theory and measurement "disagree" beyond this relative error. */
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
  /** The likely cause where they disagree (reports/text/causes.ts words it); null where they agree. */
  readonly cause: Cause | null;
}

/** Why a case parts from theory, with the figures that say so: data, worded by the pages in their language. */
export type Cause =
  /** `why`: the 1-client case's warning as the file holds it (English); `said`: what it was made from, where the file says. */
  | { readonly kind: 'uncertain-demands'; readonly why: string; readonly said?: Said }
  | { readonly kind: 'jit-batching' }
  | { readonly kind: 'client-saturation'; readonly clientCpuPercent: number }
  | { readonly kind: 'client-lag' }
  | { readonly kind: 'link-rate'; readonly rateMbit: number }
  | { readonly kind: 'slow-ramp' }
  | { readonly kind: 'machine-changed' }
  | { readonly kind: 'memory'; readonly rssBytes: number; readonly baseRssBytes: number }
  | { readonly kind: 'hand-off' }
  | { readonly kind: 'contention' }
  | { readonly kind: 'open-client-lag' }
  | { readonly kind: 'too-few-requests'; readonly requests: number; readonly windows: number }
  | { readonly kind: 'near-saturation'; readonly capacity: number; readonly rate: number }
  | { readonly kind: 'slow-settle' }
  | { readonly kind: 'variable-service' }
  | { readonly kind: 'batching' };

/** Models whose requests cross between threads or processes on the way. */
const HAND_OFF_MODELS = new Set(['worker-pool', 'cluster']);

/**
 * The likeliest reason a case's throughput is `error` away from theory, from what the case recorded. Above
 * theory, only what makes the measured demands too high can explain it; below, whatever slowed the case.
 */
export function likelyCause(results: Results, c: OkCase, error: number): Cause {
  // The cases the demands stand on (1 client, and the levels their CPU under load is fitted from).
  const fitted = fittedCases(results, c.model, c.workload);
  const base = fitted.find((x) => x.connections === 1);
  const shaky = fitted
    .flatMap((x) => x.warnings)
    .find((w) => w.code === 'wide-interval' || w.code === 'marked-trials');
  const said = shaky === undefined ? undefined : results.sentences?.[shaky.message];
  const unsure: Cause | null = shaky === undefined ? null : { kind: 'uncertain-demands', why: shaky.message, ...(said === undefined ? {} : { said }) };
  if (error > 0) return unsure ?? { kind: 'jit-batching' };
  if (c.warnings.some((w) => w.code === 'client-saturated') || c.clientCpuPercent >= CLIENT_SATURATED_PERCENT) return { kind: 'client-saturation', clientCpuPercent: c.clientCpuPercent };
  if (c.warnings.some((w) => w.code === 'client-lag')) return { kind: 'client-lag' };
  const rate = results.options.network?.rateMbit;
  if (rate !== undefined) return { kind: 'link-rate', rateMbit: rate };
  if (c.warnings.some((w) => w.code === 'slow-ramp')) return { kind: 'slow-ramp' };
  if (c.trials.some((t) => t.marked.length > 0)) return { kind: 'machine-changed' };
  if (unsure !== null) return unsure;
  if (base !== undefined && c.serverRssPeakBytes > 1.5 * base.serverRssPeakBytes) return { kind: 'memory', rssBytes: c.serverRssPeakBytes, baseRssBytes: base.serverRssPeakBytes };
  if (HAND_OFF_MODELS.has(c.model)) return { kind: 'hand-off' };
  return { kind: 'contention' };
}

/** Every ok case that carries a prediction, with its errors and, where they part, the likely cause. */
export function checkPredictions(results: Results): PredictionCheck[] {
  const out: PredictionCheck[] = [];
  for (const c of results.cases) {
    if (c.status !== 'ok' || c.predicted === undefined || !(c.predicted.rps > 0)) continue;
    // The cases the demands come from (1 client) or are fitted from (fitLevels): in-sample, not a check of theory.
    if (fittedPrediction(c)) continue;
    const rpsError = c.rps / c.predicted.rps - 1;
    const latencyError = c.predicted.meanLatencyUs > 0 ? c.latencyUs.mean / c.predicted.meanLatencyUs - 1 : 0;
    // Judged against the measurement's own uncertainty: theory misses where its throughput lies outside the case's
    // 95 % interval (without an interval, one trial, beyond DISAGREEMENT). In an open loop below saturation every
    // model keeps up: the latency is where theory can be wrong (its mean has no interval: DISAGREEMENT).
    const outside = c.rpsInterval === null ? Math.abs(rpsError) > DISAGREEMENT : c.predicted.rps < c.rpsInterval.low || c.predicted.rps > c.rpsInterval.high;
    const disagrees = outside || (c.mode === 'open' && Math.abs(latencyError) > DISAGREEMENT);
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
function openCause(results: Results, c: OkCase, rpsError: number, latencyError: number, capacity: number | null): Cause {
  const rate = c.targetRate ?? 0;
  if (c.warnings.some((w) => w.code === 'client-lag' || w.code === 'client-saturated')) return { kind: 'open-client-lag' };
  if (c.rps > rate * (1 + DISAGREEMENT)) return { kind: 'too-few-requests', requests: c.planned ?? c.requests, windows: c.trials.length };
  if (capacity !== null && Math.abs(rate / capacity - 1) < NEAR_CAPACITY) return { kind: 'near-saturation', capacity, rate };
  if (Math.abs(rpsError) > DISAGREEMENT) return likelyCause(results, c, rpsError);
  if (latencyError > 0.5) return { kind: 'slow-settle' };
  return latencyError > 0 ? { kind: 'variable-service' } : { kind: 'batching' };
}
