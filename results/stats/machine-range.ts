/**
 * The speeds a run met. A run's cores compute at different speeds from minute to minute (each core's gauge,
 * bench/machine/core-monitor.ts: this lab's host slows a core by 40 % for tens of seconds), and a figure of work that
 * computes moves with them. The run records the range it met (`machineSpeed`); it does not widen any interval with
 * it: that range is not a standard error, and a sum of the two has no defined coverage (results/stats/interval-check.ts
 * proves the intervals as they are). How far a later run may land is the machine's spread between runs, measured.
 */
import type { OkCase, OkTrial, Results } from '../schema.js';

/** A trial's speed: the mean of its cores' gauges (shares of their best), or null where it has none. */
export function trialSpeed(t: OkTrial): number | null {
  // A gauge read against the best seen before it can pass 1 when the core beats its own record mid-trial: that
  // trial ran at the best the run knows, not above it.
  const speeds = (t.coreSpeeds ?? []).filter((s): s is number => s !== null && s > 0).map((s) => Math.min(1, s));
  return speeds.length === 0 ? null : speeds.reduce((a, b) => a + b, 0) / speeds.length;
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] ?? 1;

/** The run's range of machine speeds: the 5th and 95th percentiles of its trials' speeds (and their median); null without gauges. */
export function speedRange(results: Pick<Results, 'cases'>): { low: number; high: number; median: number } | null {
  const speeds = results.cases.flatMap((c) => c.trials.flatMap((t) => (t.status === 'ok' ? [trialSpeed(t)] : []))).filter((s): s is number => s !== null).sort((a, b) => a - b);
  if (speeds.length < 4) return null;
  return { low: quantile(speeds, 0.05), high: quantile(speeds, 0.95), median: quantile(speeds, 0.5) };
}

/** How much a case's pace hangs on its cores' speed: its busiest process's share of a core (0 to 1). */
export function cpuBound(c: Pick<OkCase, 'serverCpuPercent' | 'clientCpuPercent'>): number {
  return Math.min(1, Math.max(c.serverCpuPercent, c.clientCpuPercent) / 100);
}
