/**
 * A faulted case's faults over its trials: for each fault, the middle trial's loss and recovery (of an even number,
 * the worse of the two middle ones), how many trials recovered, and the worst answer of any. A trial that did not
 * recover counts as the slowest of recoveries, so the case's recovery is null when half of its trials or more did not.
 */
import type { CaseFault, Trial, TrialFault } from '../schema.js';

const middle = (sorted: readonly number[]): number => sorted[Math.floor(sorted.length / 2)] ?? 0;

export function caseFaults(trials: readonly Trial[]): CaseFault[] | undefined {
  const faulted = trials.flatMap((t) => (t.status === 'ok' && t.faults !== undefined && t.faults.length > 0 ? [t.faults] : []));
  const first = faulted[0];
  if (first === undefined) return undefined;
  return first.map((f, i): CaseFault => {
    const had = faulted.map((list) => list[i]).filter((x): x is TrialFault => x !== undefined);
    // A fault that could not be done (the server already gone, a process that would not start) did nothing to judge.
    const same = had.filter((x) => x.appliedAtSeconds !== null && x.error === null);
    const error = same.length === 0 ? (had.find((x) => x.error !== null)?.error ?? null) : null;
    // A trial whose recovery could not be seen (the window ended too soon after the fault) says nothing of it.
    const seen = same.filter((x) => x.recoverySeconds !== null || x.unseen !== true);
    const recoveries = seen.map((x) => x.recoverySeconds ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
    const recovery = middle(recoveries);
    return {
      kind: f.kind,
      atSeconds: f.atSeconds,
      arg: f.arg,
      lost: middle(same.map((x) => x.lost).sort((a, b) => a - b)),
      recoverySeconds: seen.length === 0 || !Number.isFinite(recovery) ? null : recovery,
      trials: same.length,
      recovered: same.filter((x) => x.recoverySeconds !== null).length,
      unseen: same.length - seen.length,
      timeouts: middle(same.map((x) => x.timeouts ?? 0).sort((a, b) => a - b)),
      worstUs: same.reduce((a, x) => Math.max(a, x.worstUs), 0),
      serverGone: same.some((x) => x.serverGone),
      ...(error === null ? {} : { error }),
    };
  });
}
