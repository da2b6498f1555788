/** A trial's faults as its results keep them: when each was done on the timeline's clock, and what it did. */
import type { Timeline, TrialFault } from '../../results/schema.js';
import { faultEffect } from '../../results/stats/fault-effect.js';
import { slicesOf } from '../../results/timeline.js';
import type { FaultDone } from './apply.js';

export function trialFaults(done: readonly FaultDone[], timeline: Timeline, startEpochMs: number, after: { readonly censored: number; readonly dropped: number; readonly serverGone: boolean }): TrialFault[] {
  const slices = slicesOf(timeline);
  const at = done.map((d) => (d.appliedAtEpochMs === null ? null : Math.max(0, Math.round(d.appliedAtEpochMs - startEpochMs)) / 1000));
  return done.map((d, i): TrialFault => {
    const appliedAtSeconds = at[i] ?? null;
    // Each fault answers for what happened until the next one; the last one also for the requests never answered.
    const next = at.slice(i + 1).find((x): x is number => x !== null) ?? Number.POSITIVE_INFINITY;
    const last = next === Number.POSITIVE_INFINITY;
    const effect = appliedAtSeconds === null ? { lost: 0, recoverySeconds: null, worstUs: 0, baselineRps: null } : faultEffect(slices, timeline.sliceMs, appliedAtSeconds, next, last ? after.censored + after.dropped : 0);
    return {
      kind: d.spec.kind,
      atSeconds: d.spec.atSeconds,
      arg: d.spec.arg,
      appliedAtSeconds,
      target: d.target.slice(0, 200),
      error: d.error === null ? null : d.error.slice(0, 2000),
      ...effect,
      serverGone: after.serverGone,
    };
  });
}
