/** results/stats/machine-range.ts: a throughput's interval holds what the machine's speed could make of it. */
import { describe, expect, it } from 'vitest';
import type { OkCase } from '../../results/schema.js';
import { summarizeCase } from '../../results/stats/case-summary.js';
import { cpuBound, speedRange, withMachineRange } from '../../results/stats/machine-range.js';
import { widened } from '../../results/stats/stats.js';
import { okTrial } from '../helpers/v2-fixture.js';

const caseAt = (speeds: number[], cpu: { server: number; client: number }): OkCase => {
  const c = summarizeCase({
    model: 'event-loop', modelParams: {}, workload: 'hello', connections: 64, cpus: 2, merged: null,
    trials: [100, 101, 99, 100].map((rps, i) => okTrial(i + 1, rps, { coreSpeeds: [speeds[i] ?? 1, speeds[i] ?? 1], serverCpuPercent: cpu.server, clientCpuPercent: cpu.client })),
  });
  if (c.status !== 'ok') throw new Error('not ok');
  return c;
};

describe('the machine range of a throughput', () => {
  it('widens an interval by the factors, as independent errors in log terms', () => {
    // ln(100/90) = 0.10536, ln(1/0.6) = 0.51083: hypot 0.52158, low = 100 × e^-0.52158 = 59.36.
    const w = widened(100, { low: 90, high: 110 }, 0.6, 1);
    expect(Math.round(w.low * 100) / 100).toBe(59.36);
    expect(w.high).toBeCloseTo(110, 10);
    const same = widened(100, { low: 90, high: 110 }, 1, 1);
    expect(same.low).toBeCloseTo(90, 10);
    expect(same.high).toBeCloseTo(110, 10);
  });

  it('the run’s range is the 5th to the 95th percentile of its trials’ speeds', () => {
    const run = { cases: [caseAt([0.6, 0.62, 0.61, 0.6], { server: 90, client: 95 }), caseAt([1, 0.98, 0.97, 1], { server: 90, client: 95 })] };
    expect(speedRange(run)).toEqual({ low: 0.6, high: 1, median: 0.97 });
  });

  it('counts a gauge above its best (a core that beat its record mid-trial) as the best, never above: the range stays within 1', () => {
    const run = { cases: [caseAt([1.08, 1.12, 0.9, 1.05], { server: 90, client: 95 }), caseAt([1.2, 0.95, 1.01, 1], { server: 90, client: 95 })] };
    const range = speedRange(run);
    expect(range?.high).toBe(1);
    expect(range?.low).toBe(0.9);
  });

  it('moves a CPU-bound case by the whole range, a case of waits not at all', () => {
    const range = { low: 0.6, high: 1 };
    const slow = caseAt([0.6, 0.6, 0.6, 0.6], { server: 100, client: 40 });
    expect(cpuBound(slow)).toBe(1);
    const moved = withMachineRange(slow, range);
    // Measured at 0.6, it could be 1 / 0.6 = 1.667 times faster at the best the run met.
    expect(moved.machineRange).toEqual({ low: 1, high: 1.667 });
    expect(moved.rpsInterval?.high ?? 0).toBeGreaterThan(slow.rps * 1.6);
    expect(moved.rpsInterval?.low).toBeCloseTo(slow.rpsInterval?.low ?? 0, 10);
    const waits = caseAt([0.6, 0.6, 0.6, 0.6], { server: 5, client: 2 });
    const barely = withMachineRange(waits, range);
    // A pace that hangs 5 % on the cores: (1 / 0.6)^0.05 = 1.026.
    expect(barely.machineRange).toEqual({ low: 1, high: 1.026 });
    expect(withMachineRange(waits, null)).toBe(waits);
  });
});
