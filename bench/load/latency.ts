import * as hdr from 'hdr-histogram-js';
import type { DistributionPoint, Latency } from '../../results/schema.js';
import { quantileRanks } from '../../results/stats/stats.js';

/** Microseconds; an hour is far above any answer the bench waits for, and the histogram grows if needed. */
export function newLatencyHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

/** autocannon reports each response time in fractional milliseconds; the lab keeps microseconds. */
export function msToUs(ms: number): number {
  return Math.max(1, Math.round(ms * 1000));
}

/** Percentiles drawn on the HDR plot: dense towards the tail, where the models differ most. */
export const DISTRIBUTION_PERCENTILES = [
  0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 98, 99, 99.5, 99.75, 99.9, 99.95, 99.99, 100,
] as const;

export function summarize(histogram: hdr.Histogram): Latency {
  if (histogram.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    min: histogram.minNonZeroValue,
    mean: Math.round(histogram.mean * 10) / 10,
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    max: histogram.maxValue,
  };
}

export function distribution(histogram: hdr.Histogram): DistributionPoint[] {
  if (histogram.totalCount === 0) return [];
  return DISTRIBUTION_PERCENTILES.map((percentile) => ({ percentile, us: histogram.getValueAtPercentile(percentile) }));
}

/** The width of the histogram's bucket at a value (3 significant digits: exact up to 2,048 µs, then 1 part in 1,024). */
function resolution(us: number): number {
  return us < 2048 ? 1 : 2 ** (Math.floor(Math.log2(us)) - 10);
}

/**
 * The 95 % interval of a percentile of the histogram's values: the values at the ranks of its distribution-free
 * interval (results/stats/stats.ts quantileRanks), the upper one to the end of its bucket. Null without values.
 */
export function percentileInterval(histogram: hdr.Histogram, percentile: number): { low: number; high: number } | null {
  const n = histogram.totalCount;
  if (n === 0) return null;
  const ranks = quantileRanks(n, percentile / 100);
  const low = histogram.getValueAtPercentile((100 * ranks.low) / n);
  const top = histogram.getValueAtPercentile((100 * ranks.high) / n);
  return { low, high: top + resolution(top) };
}

/** A case's latency: its summary, the answers behind it, and the interval of each percentile the pages show. */
export interface LatencyFigures {
  readonly latencyUs: Latency;
  readonly distribution: DistributionPoint[];
  readonly sample: number;
  readonly p50Interval: { low: number; high: number } | null;
  readonly p99Interval: { low: number; high: number } | null;
  readonly p999Interval: { low: number; high: number } | null;
}

export function latencyFigures(histogram: hdr.Histogram): LatencyFigures {
  return {
    latencyUs: summarize(histogram),
    distribution: distribution(histogram),
    sample: histogram.totalCount,
    p50Interval: percentileInterval(histogram, 50),
    p99Interval: percentileInterval(histogram, 99),
    p999Interval: percentileInterval(histogram, 99.9),
  };
}
