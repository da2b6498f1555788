/** results/stats.ts: the numbers behind every interval and verdict, checked with exact values. */
import { describe, expect, it } from 'vitest';
import { comparePaired, interval95, mean, median, MIN_EFFECT, relativeHalfWidth, standardDeviation, tQuantile975, throughputEstimate, quantileRanks, supportsPercentile } from '../../results/stats/stats.js';

const to3 = (x: number | undefined): number => Math.round((x ?? NaN) * 1000) / 1000;

describe('summary statistics', () => {
  it('median of odd and even counts, unsorted input left alone', () => {
    const input = [3, 1, 2];
    expect(median(input)).toBe(2);
    expect(input).toEqual([3, 1, 2]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow('median of nothing');
  });
  it('mean and sample standard deviation (n − 1)', () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    expect(to3(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]))).toBe(2.138);
    expect(standardDeviation([5])).toBe(0);
    expect(() => mean([])).toThrow('mean of nothing');
  });
  it("Student's t quantiles: the table, then the normal value past 30 degrees of freedom", () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(2)).toBe(4.303);
    expect(tQuantile975(4)).toBe(2.776);
    expect(tQuantile975(30)).toBe(2.042);
    expect(tQuantile975(31)).toBe(1.96);
    expect(() => tQuantile975(0)).toThrow(RangeError);
    expect(() => tQuantile975(1.5)).toThrow(RangeError);
  });
});

describe('interval95: the t interval of the logarithms', () => {
  it('of three trials', () => {
    const i = interval95([100, 110, 105]);
    expect({ low: to3(i?.low), high: to3(i?.high) }).toEqual({ low: 93.205, high: 118.109 });
  });
  it('is ×/÷ a factor around the geometric mean: the same relative width at any scale', () => {
    const small = interval95([1, 1.1, 1.05]);
    const large = interval95([1000, 1100, 1050]);
    expect(to3((large?.low ?? 0) / 1000)).toBe(to3(small?.low));
    expect(to3((large?.high ?? 0) / 1000)).toBe(to3(small?.high));
  });
  it('is a point when every trial agrees', () => {
    const i = interval95([50, 50, 50]);
    expect(i?.low).toBeCloseTo(50, 9);
    expect(i?.high).toBeCloseTo(50, 9);
  });
  it('is null with one trial, or with a value that is not positive', () => {
    expect(interval95([100])).toBeNull();
    expect(interval95([])).toBeNull();
    expect(interval95([100, 0, 105])).toBeNull();
    expect(interval95([100, -1])).toBeNull();
    expect(interval95([100, Number.POSITIVE_INFINITY])).toBeNull();
  });
  it('relativeHalfWidth: the larger side, as a fraction; infinite without an interval', () => {
    expect(relativeHalfWidth(100, { low: 95, high: 108 })).toBeCloseTo(0.08, 12);
    expect(relativeHalfWidth(100, { low: 90, high: 104 })).toBeCloseTo(0.1, 12);
    expect(relativeHalfWidth(100, null)).toBe(Number.POSITIVE_INFINITY);
    expect(relativeHalfWidth(0, { low: 1, high: 2 })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('comparePaired: two models, round by round', () => {
  const ratios = [1.1, 1.2, 1.15, 1.05];
  it('the geometric mean of the ratios and its 95 % interval', () => {
    const c = comparePaired(ratios.map((r): [number, number] => [r * 100, 100]));
    expect(Math.round((c?.ratio ?? 0) * 1e4) / 1e4).toBe(1.1236);
    expect(Math.round((c?.interval?.low ?? 0) * 1e4) / 1e4).toBe(1.0254);
    expect(Math.round((c?.interval?.high ?? 0) * 1e4) / 1e4).toBe(1.2312);
    expect(c?.rounds).toBe(4);
    // Above 1, but not above 1 + MIN_EFFECT: too close to call on a shared machine.
    expect(MIN_EFFECT).toBe(0.05);
    expect(c?.verdict).toBe('same');
  });
  it('faster when the whole interval lies above 1 + MIN_EFFECT, slower the other way round', () => {
    const clear = [1.2, 1.25, 1.22, 1.18];
    const c = comparePaired(clear.map((r): [number, number] => [r * 100, 100]));
    expect(c?.interval?.low).toBeGreaterThan(1 + MIN_EFFECT);
    expect(c?.verdict).toBe('faster');
    const d = comparePaired(clear.map((r): [number, number] => [100, r * 100]));
    expect(to3(d?.ratio)).toBe(to3(1 / (c?.ratio ?? 1)));
    expect(d?.verdict).toBe('slower');
  });
  it('no measurable difference when the interval holds 1', () => {
    const c = comparePaired([[101, 100], [99, 100], [100.5, 100]]);
    expect(c?.verdict).toBe('same');
    expect(c?.interval?.low).toBeLessThan(1);
    expect(c?.interval?.high).toBeGreaterThan(1);
  });
  it('a common slow round cancels: pairing sees what separate medians would not', () => {
    // The machine halved its speed in round 2 for both: a is 20 % faster in every round.
    const c = comparePaired([[120, 100], [60, 50], [120, 100]]);
    expect(c?.verdict).toBe('faster');
    expect(to3(c?.ratio)).toBe(1.2);
    expect(interval95([120, 60, 120])?.low).toBeLessThan(100); // unpaired, the two intervals overlap
  });
  it('one round: a ratio, no interval, no claim; nothing comparable: null', () => {
    expect(comparePaired([[120, 100]])).toEqual({ ratio: 1.2, interval: null, rounds: 1, verdict: 'same' });
    expect(comparePaired([[0, 100], [100, 0]])).toBeNull();
    expect(comparePaired([])).toBeNull();
  });
});

describe('the estimators of results/stats/stats.ts, with exact numbers', () => {
  it('throughput: the geometric mean, a t interval on the logs, never narrower than ±1 answer', () => {
    const e = throughputEstimate([{ rps: 100, requests: 200 }, { rps: 110, requests: 220 }, { rps: 105, requests: 210 }]);
    expect(Math.round(e.value * 1000) / 1000).toBe(104.921);
    expect(Math.round((e.interval?.low ?? 0) * 1000) / 1000).toBe(93.196);
    expect(Math.round((e.interval?.high ?? 0) * 1000) / 1000).toBe(118.12);
    const exact = throughputEstimate([{ rps: 48, requests: 24 }, { rps: 48, requests: 24 }]);
    expect(exact.value).toBeCloseTo(48, 10);
    expect(exact.interval?.low).toBeCloseTo(48 * Math.exp(-1 / 24), 10);
    expect(exact.interval?.high).toBeCloseTo(48 * Math.exp(1 / 24), 10);
    expect(throughputEstimate([{ rps: 48, requests: 24 }]).interval).toBeNull();
    expect(throughputEstimate([{ rps: 0, requests: 0 }, { rps: 10, requests: 5 }])).toEqual({ value: 5, interval: null });
  });
  it('the ranks of a quantile\'s distribution-free interval: Binomial(n, q) ± 1.96 sd', () => {
    // n = 1,000, q = 0.5: 500 ± 1.96 × 15.81 = 469.01 … 530.99: ranks 469 to 531, and the upper one past it.
    expect(quantileRanks(1000, 0.5)).toEqual({ low: 469, high: 532 });
    // n = 1,000, q = 0.99: 990 ± 1.96 × 3.146 = 983.8 … 996.2.
    expect(quantileRanks(1000, 0.99)).toEqual({ low: 983, high: 998 });
    expect(quantileRanks(10, 0.99)).toEqual({ low: 9, high: 10 });
    expect(quantileRanks(1, 0.5)).toEqual({ low: 1, high: 1 });
  });
  it('a percentile needs ten answers beyond it', () => {
    expect(supportsPercentile(999, 99)).toBe(false);
    expect(supportsPercentile(1000, 99)).toBe(true);
    expect(supportsPercentile(9999, 99.9)).toBe(false);
    expect(supportsPercentile(10000, 99.9)).toBe(true);
    expect(supportsPercentile(20, 50)).toBe(true);
  });
});
