/**
 * Whether the warm-up did its work: a case's first trial against the median of its others. A first trial slower than
 * 0.9× of them met a server still cold where the case ran (a path, a pool thread or a level of clients the warm-up did
 * not reach). The run says for how many cases its first trial held, and names the others.
 */
import type { CaseResult, Results } from '../schema.js';
import { median } from './stats.js';

/** A first trial at or above this share of the others' median is warm. */
export const WARM_FIRST_TRIAL = 0.9;

export interface FirstTrials {
  /** Closed-loop cases with a first trial and at least two others (retries aside). */
  readonly cases: number;
  /** Of those, how many had a first trial at ≥ 0.9× the others' median. */
  readonly warm: number;
  /** The cold ones: "static event-loop × 1" and its ratio. */
  readonly cold: readonly { readonly workload: string; readonly model: string; readonly connections: number; readonly ratio: number }[];
}

/** A case's first trial ÷ the median of its others (the first round's against the rounds after), or null without enough. */
export function firstTrialRatio(c: CaseResult): number | null {
  if (c.mode !== 'closed') return null;
  const trials = c.trials.filter((t) => t.status === 'ok' && t.retryOf === undefined).sort((a, b) => a.round - b.round);
  const [first, ...others] = trials;
  if (first?.status !== 'ok' || others.length < 2) return null;
  const rest = median(others.map((t) => (t.status === 'ok' ? t.rps : 0)));
  return rest > 0 ? first.rps / rest : null;
}

export function firstTrials(results: Pick<Results, 'cases'>): FirstTrials {
  const ratios = results.cases.flatMap((c) => {
    const ratio = firstTrialRatio(c);
    return ratio === null ? [] : [{ workload: c.workload, model: c.model, connections: c.connections, ratio }];
  });
  const cold = ratios.filter((r) => r.ratio < WARM_FIRST_TRIAL).map((r) => ({ ...r, ratio: Math.round(r.ratio * 100) / 100 }));
  return { cases: ratios.length, warm: ratios.length - cold.length, cold };
}
