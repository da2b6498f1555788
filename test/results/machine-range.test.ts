/** results/stats/machine-range.ts: the speeds a run met, recorded beside its figures and never added to their intervals. */
import { describe, expect, it } from 'vitest';
import type { OkCase } from '../../results/schema.js';
import { summarizeCase } from '../../results/stats/case-summary.js';
import { cpuBound, speedRange } from '../../results/stats/machine-range.js';
import { throughputEstimate } from '../../results/stats/stats.js';
import { okTrial } from '../helpers/v2-fixture.js';

const caseAt = (speeds: number[], cpu: { server: number; client: number }): OkCase => {
  const c = summarizeCase({
    model: 'event-loop', modelParams: {}, workload: 'hello', connections: 64, cpus: 2, merged: null,
    trials: [100, 101, 99, 100].map((rps, i) => okTrial(i + 1, rps, { coreSpeeds: [speeds[i] ?? 1, speeds[i] ?? 1], serverCpuPercent: cpu.server, clientCpuPercent: cpu.client })),
  });
  if (c.status !== 'ok') throw new Error('not ok');
  return c;
};

describe('the speeds a run met', () => {
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

  it('a case at a slow speed keeps the interval of its own trials: the speed range is not added to it', () => {
    const slow = caseAt([0.6, 0.6, 0.6, 0.6], { server: 100, client: 40 });
    expect(cpuBound(slow)).toBe(1);
    expect(slow.rpsInterval).toEqual(throughputEstimate(slow.trials.map((t) => (t.status === 'ok' ? t : { rps: 0, requests: 0 }))).interval);
    expect(slow.machineRange).toBeUndefined();
  });
});
