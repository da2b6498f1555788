/**
 * results/stats/interval-check.ts: the lab's 95 % intervals, proven by simulation against a known truth (speed phases
 * from recorded gauge traces, marked trials retried, latencies correlated within a trial). Each must hold the truth in
 * 93–97 % of 1,000 simulated runs; the pooled answers' interval alone, which treats correlated answers as independent,
 * must not (that is why the lab counts trials).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.js';
import { checkIntervals, type SpeedTrace } from '../../results/stats/interval-check.js';

const { traces } = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'speed-traces.json'), 'utf8')) as { traces: SpeedTrace[] };

describe('intervals proven by simulation', () => {
  it('covers the truth 93–97 % of the time for throughput, p50, p99 and the paired ratio', () => {
    const coverage = checkIntervals({ runs: 1000, seed: 11, traces });
    expect(coverage.map((c) => c.figure)).toEqual(['throughput', 'p50', 'p99', 'ratio']);
    for (const c of coverage) {
      expect(c.runs).toBe(1000);
      expect(c.covered, c.figure).toBeGreaterThanOrEqual(0.93);
      expect(c.covered, c.figure).toBeLessThanOrEqual(0.97);
    }
    // The order-statistic interval of the answers alone is far too narrow once answers are correlated.
    for (const c of coverage.filter((x) => x.answersOnly !== undefined)) expect(c.answersOnly ?? 1, c.figure).toBeLessThan(0.8);
  }, 60_000);

  it('draws from real traces with at least two cores each', () => {
    expect(traces.length).toBeGreaterThanOrEqual(3);
    for (const trace of traces) {
      expect(trace.points.length).toBeGreaterThan(40);
      expect(trace.points.every((p) => p.speeds.length >= 2)).toBe(true);
    }
  });
});
