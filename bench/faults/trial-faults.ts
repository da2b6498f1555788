/** A trial's faults as its results keep them: when each was done on the timeline's clock, and what it did. */
import type { Timeline, TrialFault } from '../../results/schema.js';
import { faultEffect } from '../../results/stats/fault-effect.js';
import { slicesOf } from '../../results/timeline.js';
import type { FaultDone } from './apply.js';

/**
 * `windowStartEpochMs`: when the bench saw the window open, on the clock the faults were timed by (the load process's
 * clock places the window on the timeline: each fault is placed from the window's start, so the two clocks never mix).
 * `after.dropped`: the open loop's requests never sent (no connection); `serverGone`: the server's main process ended.
 */
export function trialFaults(done: readonly FaultDone[], timeline: Timeline, windowStartEpochMs: number, after: { readonly dropped: number; readonly timeouts: number; readonly serverGone: boolean }): TrialFault[] {
  const slices = slicesOf(timeline);
  const windowStart = timeline.windowStartSeconds ?? 0;
  const at = done.map((d) => (d.appliedAtEpochMs === null ? null : Math.max(0, Math.round(windowStart * 1000 + d.appliedAtEpochMs - windowStartEpochMs)) / 1000));
  // The kill that ended the server: the last one done (a stall or a busy process does not end it).
  const lastKill = after.serverGone ? done.map((d, i) => (d.spec.kind === 'kill' && d.appliedAtEpochMs !== null ? i : -1)).reduce((a, i) => Math.max(a, i), -1) : -1;
  return done.map((d, i): TrialFault => {
    const appliedAtSeconds = at[i] ?? null;
    // Each fault answers for what happened until the next one; the last one also for an open loop's requests never
    // sent. (Requests given up unanswered are errors already: the censored count would count them twice.)
    const next = at.slice(i + 1).find((x): x is number => x !== null) ?? Number.POSITIVE_INFINITY;
    const last = next === Number.POSITIVE_INFINITY;
    const effect = appliedAtSeconds === null || d.error !== null ? { lost: 0, recoverySeconds: null, worstUs: 0, baselineRps: null, unseen: true } : faultEffect(slices, timeline.sliceMs, appliedAtSeconds, next, last ? after.dropped : 0);
    return {
      kind: d.spec.kind,
      atSeconds: d.spec.atSeconds,
      arg: d.spec.arg,
      appliedAtSeconds,
      target: d.target.slice(0, 200),
      error: d.error === null ? null : d.error.slice(0, 2000),
      ...effect,
      // The trial's requests that waited until the client gave up: the last fault's (the load's own are rare).
      timeouts: last && appliedAtSeconds !== null && d.error === null ? after.timeouts : 0,
      serverGone: i === lastKill,
    };
  });
}
