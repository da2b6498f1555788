/**
 * The statistics behind every number a page shows with its uncertainty. Pure functions, tested with exact
 * numbers. A case is measured as a few trials; the trials of all models of a cell are interleaved in rounds,
 * so that a slow minute of the machine falls on every model alike. One estimator per figure, and its interval is
 * the interval of that same estimator:
 *
 * - Throughput: the **geometric mean** of the trials, with Student's t interval of their logarithms. With the 3 to 6
 *   trials a run can afford, no distribution-free interval reaches 95 % (from the smallest to the largest of 5 trials
 *   covers 94 %), and throughput varies by factors: the interval is ×/÷ a factor around the geometric mean, never below
 *   zero, and the figure is always its centre. A throughput is a count of answers: each trial's count is known to
 *   ±1 answer, so the interval is never narrower than that (three trials of exactly 24 answers are 48 ± 2 req/s, not
 *   48 exactly).
 * - Latency percentiles: the percentile of every answer of the used trials together; its interval counts the trials
 *   as the independent units (`latencyInterval`), never narrower than the distribution-free interval of that order
 *   statistic (the ranks a binomial count of answers below the true percentile would put it between, 95 %, widened to
 *   the histogram's resolution). A percentile needs a sample that can hold it: p99 at least 1,000 answers, p99.9 at
 *   least 10,000; below that, the pages show the largest answer of n instead.
 * - Every interval here is proven by simulation (results/stats/interval-check.ts, npm run check-intervals).
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

/** What a throughput estimate stands on: a trial's throughput and the answers it counted. */
export interface CountedTrial {
  readonly rps: number;
  readonly requests: number;
}

export interface Estimate {
  readonly value: number;
  /** Null with a single trial: one trial says nothing about its spread. */
  readonly interval: Interval | null;
}

/**
 * A throughput from its trials: their geometric mean, and the t interval of their logarithms, at least as wide as a
 * count known to ±1 answer (1 / the mean count, in log terms) allows. Trials with no answer cannot be logged: the
 * estimate is then their plain mean, without an interval.
 */
export function throughputEstimate(trials: readonly CountedTrial[]): Estimate {
  if (trials.length === 0) throw new RangeError('a throughput of no trial');
  if (trials.some((t) => !(t.rps > 0) || !(t.requests > 0))) return { value: mean(trials.map((t) => t.rps)), interval: null };
  const logs = trials.map((t) => Math.log(t.rps));
  const centre = mean(logs);
  if (trials.length < 2) return { value: Math.exp(centre), interval: null };
  const spread = (tQuantile975(trials.length - 1) * standardDeviation(logs)) / Math.sqrt(trials.length);
  const counting = 1 / mean(trials.map((t) => t.requests));
  const half = Math.hypot(spread, counting);
  return { value: Math.exp(centre), interval: { low: Math.exp(centre - half), high: Math.exp(centre + half) } };
}

/** The fewest answers behind a percentile worth the name: 10 answers beyond it (p99: 1,000; p99.9: 10,000). */
export function supportsPercentile(sample: number, percentile: number): boolean {
  return sample * (1 - percentile / 100) >= 10 - 1e-9;
}

/**
 * The 95 % distribution-free interval of the q-th quantile of n values, as 1-based ranks: the number of values below
 * the true quantile is Binomial(n, q), so the interval runs from the rank at its 2.5 % point to the rank after its
 * 97.5 % point (the normal approximation, clamped to [1, n]).
 */
export function quantileRanks(n: number, q: number): { low: number; high: number } {
  if (!(n >= 1) || !(q >= 0 && q <= 1)) throw new RangeError(`quantile ranks of n=${n}, q=${q}`);
  const spread = 1.96 * Math.sqrt(n * q * (1 - q));
  return { low: Math.max(1, Math.min(n, Math.floor(n * q - spread))), high: Math.max(1, Math.min(n, Math.ceil(n * q + spread) + 1)) };
}

/**
 * A latency percentile's 95 % interval, with the trials as the independent units: the answers of one trial are
 * correlated (a closed loop's answers queue behind each other; a trial meets one state of the machine), and trials
 * differ, so the sample that decides is nearer the number of trials than the number of answers. The interval runs
 * ×/÷ the t factor of the trials' own percentiles (their logarithms' standard error) around the pooled percentile,
 * and is never narrower than the pooled answers' order-statistic interval (`pooled`), which alone is right for
 * independent answers. With one trial, that order-statistic interval is all there is.
 */
export function latencyInterval(value: number, pooled: Interval | null, perTrial: readonly number[], observed?: { readonly min: number; readonly max: number }): Interval | null {
  const usable = perTrial.filter((v) => v > 0 && Number.isFinite(v));
  if (!(value > 0) || usable.length < 2) return pooled;
  const logs = usable.map(Math.log);
  const half = (tQuantile975(usable.length - 1) * standardDeviation(logs)) / Math.sqrt(usable.length);
  // With two or three trials that disagree, t's factor runs to thousands: no percentile of these answers lies beyond
  // the smallest and the largest of them, so the interval stops there (it still holds the pooled one).
  const low = Math.max(value * Math.exp(-half), observed?.min ?? 0);
  const high = Math.min(value * Math.exp(half), observed?.max ?? Number.POSITIVE_INFINITY);
  return pooled === null ? { low, high } : { low: Math.min(low, pooled.low), high: Math.max(high, pooled.high) };
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
