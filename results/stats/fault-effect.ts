/**
 * What a fault did, read from the trial's timeline: the requests lost after it, how long the server took to come
 * back, and the worst answer. Recovery is the time from the fault to the first window slice whose throughput is
 * back within 10 % of the throughput before the fault (either side: a burst of queued answers above it is not a
 * recovery), or within the noise of counting that few answers (2 / √count, as the warm-up's `steady` rule: a slice of
 * 5 answers cannot agree to 10 %); null when no later window slice is.
 */
import type { TimelineSlice } from '../timeline.js';

/** A slice is back when its throughput is within this share of the throughput before the fault. */
export const RECOVERED_WITHIN = 0.1;
/** However few answers a slice holds, it is not back beyond this share (nor with none at all). */
const LOOSEST = 0.5;
/** Back means back for this many slices in a row (or to the window's end): one lucky slice is not a recovery. */
const STAYS = 2;

export interface FaultEffect {
  /** Errors, resets and timeouts from the fault's slice to the next fault's (or the end), plus `alsoLost`. */
  readonly lost: number;
  /** Seconds from the fault to the start of the first slice back to its throughput; null: did not recover (or no baseline). */
  readonly recoverySeconds: number | null;
  /** Slowest answer completed from the fault's slice on (µs; 0 if none). */
  readonly worstUs: number;
  /** Answers per second before the fault (window slices, or warm-up ones when the fault opens the window); null: none. */
  readonly baselineRps: number | null;
  /** Not recovered, but the window ended too soon after the fault to say it did not: null recovery means "unseen". */
  readonly unseen: boolean;
}

/** A recovery not seen in this much of the window after the fault is "did not recover"; in less, "unseen". */
export const JUDGED_AFTER_SECONDS = 0.5;

export function faultEffect(slices: readonly TimelineSlice[], sliceMs: number, atSeconds: number, untilSeconds = Number.POSITIVE_INFINITY, alsoLost = 0): FaultEffect {
  const width = sliceMs / 1000;
  // Whole slices before the fault, the load's first left out (it holds the connections' start).
  const before = slices.filter((s) => s.t > 0 && s.t + width <= atSeconds + 1e-9 && s.phase !== 'drain');
  const windowBefore = before.filter((s) => s.phase === 'window');
  const base = windowBefore.length > 0 ? windowBefore : before;
  const baselineRps = base.length === 0 ? null : base.reduce((a, s) => a + s.answers, 0) / base.length / width;
  // From the slice the fault falls in to the slice before the next fault's (that one is the next fault's).
  const after = slices.filter((s) => s.t + width > atSeconds + 1e-9 && s.t + width <= untilSeconds + 1e-9);
  const lost = after.reduce((a, s) => a + s.errors, 0) + alsoLost;
  const worstUs = after.reduce((a, s) => Math.max(a, s.maxUs), 0);
  // The window's whole slices from the fault on: where a recovery can be seen.
  const windowAfter = after.filter((s) => s.t >= atSeconds - 1e-9 && s.phase === 'window');
  let recoverySeconds: number | null = null;
  if (baselineRps !== null && baselineRps > 0) {
    const tolerance = Math.min(LOOSEST, Math.max(RECOVERED_WITHIN, 2 / Math.sqrt(baselineRps * width)));
    const back = (s: TimelineSlice): boolean => s.answers > 0 && Math.abs(s.answers / width / baselineRps - 1) <= tolerance;
    const at = windowAfter.findIndex((_, i) => windowAfter.slice(i, i + STAYS).every(back));
    const first = windowAfter[at];
    if (first !== undefined) recoverySeconds = Math.round(Math.max(0, first.t - atSeconds) * 1000) / 1000;
  }
  // Too little of the window after the fault (up to the next one) cannot show a recovery.
  const unseen = recoverySeconds === null && (baselineRps === null || windowAfter.length * width < JUDGED_AFTER_SECONDS - 1e-9);
  return { lost, recoverySeconds, worstUs, baselineRps: baselineRps === null ? null : Math.round(baselineRps * 10) / 10, unseen };
}
