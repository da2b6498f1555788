/**
 * The speeds a run met. A run's cores compute at different speeds from minute to minute (each core's gauge,
 * bench/machine/core-monitor.ts: this lab's host slows a core by 40 % for tens of seconds), and a figure of work that
 * computes moves with them. The run records the range it met (`machineSpeed`); it does not widen any interval with
 * it: that range is not a standard error, and a sum of the two has no defined coverage (results/stats/interval-check.ts
 * proves the intervals as they are). How far a later run may land is the machine's spread between runs, measured.
 */
import type { AtBestSpeed, OkCase, OkTrial, Results } from '../schema.js';

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

/**
 * A closed-loop throughput scaled to the machine's best speed: what the case would have measured had its cores run at
 * the best the gauges have seen on this machine. A closed loop's cycle is partly computing and partly waiting; at speed
 * s (the mean of the used trials' gauges, a share of that best, at most 1) its busiest side computes a share u of the
 * time (`cpuBound`: its share of a core, measured at that speed). At best speed the computing part shrinks by s and the
 * wait stays: the cycle takes s·u + (1 − u) of its time, so the throughput is × 1 / (1 − u·(1 − s)). A case that waits
 * (io, u near 0) does not move; a saturated one (u = 1) moves as 1 / s. `exponent` says the same as a power of the speed,
 * (1 / s)^exponent, so that runs can be compared by it. The interval is scaled alike (the share u is taken as known).
 * Null without gauges.
 */
export function atBestSpeed(c: Pick<OkCase, 'rps' | 'rpsInterval' | 'serverCpuPercent' | 'clientCpuPercent'>, used: readonly OkTrial[]): AtBestSpeed | null {
  const speeds = used.map(trialSpeed).filter((s): s is number => s !== null);
  if (speeds.length === 0 || !(c.rps > 0)) return null;
  const speed = speeds.reduce((a, b) => a + b, 0) / speeds.length;
  const share = cpuBound(c);
  const scale = 1 / (1 - share * (1 - speed));
  // At the best speed itself the power is the first-order one: the share.
  const exponent = speed > 0.999 ? share : Math.min(1, Math.max(0, Math.log(scale) / Math.log(1 / speed)));
  const round1 = (x: number): number => Math.round(x * 10) / 10;
  const round3 = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    rps: round1(c.rps * scale),
    low: round1((c.rpsInterval?.low ?? c.rps) * scale),
    high: round1((c.rpsInterval?.high ?? c.rps) * scale),
    speed: round3(speed),
    exponent: round3(exponent),
  };
}
