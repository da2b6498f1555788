/**
 * The statistics behind every number a page shows with its uncertainty. Pure functions, tested with exact
 * numbers. A case is measured as a few trials; the trials of all models of a cell are interleaved in rounds,
 * so that a slow minute of the machine falls on every model alike.
 *
 * - A case's value is the median of its trials.
 * - Its 95 % interval is Student's t interval of the trials' logarithms: with the 3 to 8 trials a run can
 *   afford, no distribution-free interval reaches 95 % (the widest, min to max of 5 trials, covers 94 %), and
 *   a bootstrap of 3 values is a guess. Logarithms, because throughput and latency vary by factors: the
 *   interval is ×/÷ a factor around the geometric mean, never below zero.
 * - Two models of one cell are compared round by round: the ratio of their trials in the same round cancels
 *   what the machine did during that round. The 95 % t interval of the log-ratios decides: above 1, faster;
 *   below 1, slower; containing 1, no measurable difference.
 */

/** Two-sided 95 % quantiles of Student's t for 1 to 30 degrees of freedom (t_{0.975, df}). */
const T_975: readonly number[] = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12,
  2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(degreesOfFreedom: number): number {
  if (!Number.isInteger(degreesOfFreedom) || degreesOfFreedom < 1) throw new RangeError(`degrees of freedom must be a whole number ≥ 1, got ${degreesOfFreedom}`);
  return T_975[degreesOfFreedom - 1] ?? 1.96;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean of nothing');
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation (n − 1). */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((acc, v) => acc + (v - m) ** 2, 0) / (values.length - 1));
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * The 95 % interval of positive values, from the t interval of their logarithms; null with fewer than two
 * values (one trial says nothing about its spread) or with a value that is not positive.
 */
export function interval95(values: readonly number[]): Interval | null {
  if (values.length < 2 || values.some((v) => !(v > 0) || !Number.isFinite(v))) return null;
  const logs = values.map(Math.log);
  const half = (tQuantile975(values.length - 1) * standardDeviation(logs)) / Math.sqrt(values.length);
  const centre = mean(logs);
  return { low: Math.exp(centre - half), high: Math.exp(centre + half) };
}

/** How wide an interval is around a value, as a fraction: 0.08 means ±8 % (the larger side). */
export function relativeHalfWidth(value: number, interval: Interval | null): number {
  if (interval === null || !(value > 0)) return Number.POSITIVE_INFINITY;
  return Math.max(interval.high / value - 1, 1 - interval.low / value);
}

export type Verdict = 'faster' | 'slower' | 'same';

/**
 * The smallest difference the lab calls, however sure the interval: on a shared machine, a difference of a few
 * percent between two models comes and goes from one run to the next (the client, the scheduler, the cache).
 */
export const MIN_EFFECT = 0.05;

export interface Comparison {
  /** Geometric mean of the per-round ratios a / b (above 1: a has more). */
  readonly ratio: number;
  /** Its 95 % interval; null with fewer than two rounds. */
  readonly interval: Interval | null;
  /** Rounds in which both were measured. */
  readonly rounds: number;
  /** 'faster' when the interval lies above 1 + MIN_EFFECT, 'slower' below 1 / (1 + MIN_EFFECT), else 'same'. */
  readonly verdict: Verdict;
}

/**
 * Compares a and b from paired values (a[i] and b[i] measured in the same round). For throughput, 'faster'
 * means a served more; callers comparing latencies swap the words.
 */
export function comparePaired(pairs: readonly (readonly [number, number])[]): Comparison | null {
  const ratios = pairs.filter(([a, b]) => a > 0 && b > 0).map(([a, b]) => a / b);
  if (ratios.length === 0) return null;
  const centre = Math.exp(mean(ratios.map(Math.log)));
  const interval = interval95(ratios);
  const verdict: Verdict = interval === null ? 'same' : interval.low > 1 + MIN_EFFECT ? 'faster' : interval.high < 1 / (1 + MIN_EFFECT) ? 'slower' : 'same';
  return { ratio: centre, interval, rounds: ratios.length, verdict };
}
