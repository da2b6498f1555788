/** results/stats/machine-range.ts: the speeds a run met, recorded beside its figures and never added to their intervals. */
import { describe, expect, it } from 'vitest';
import type { OkCase } from '../../results/schema.js';
import { summarizeCase } from '../../results/stats/case-summary.js';
import { cpuBound, speedRange } from '../../results/stats/machine-range.js';
import { throughputEstimate } from '../../results/stats/stats.js';
import { okTrial } from '../helpers/v2-fixture.js';

const caseAt = (speeds: number[], cpu: { server: number; client: number }, rates: number[] = [100, 101, 99, 100]): OkCase => {
  const c = summarizeCase({
    model: 'event-loop', modelParams: {}, workload: 'hello', connections: 64, cpus: 2, merged: null,
    trials: rates.map((rps, i) => okTrial(i + 1, rps, { coreSpeeds: [speeds[i] ?? 1, speeds[i] ?? 1], serverCpuPercent: cpu.server, clientCpuPercent: cpu.client })),
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

  it('scales a throughput to the machine’s best speed by how much its pace hangs on the cores', () => {
    // A case that computes (its server busy the whole time), measured at 60 % of the best: 100 / 0.6 = 166.7 at best.
    const slow = caseAt([0.6, 0.6, 0.6, 0.6], { server: 100, client: 40 });
    expect(slow.atBestSpeed).toMatchObject({ speed: 0.6, exponent: 1 });
    expect(slow.atBestSpeed?.rps).toBeCloseTo(slow.rps / 0.6, 0);
    expect(slow.atBestSpeed?.low).toBeCloseTo((slow.rpsInterval?.low ?? 0) / 0.6, 0);
    // A case that waits (5 % of a core): 1 / (1 − 0.05 × 0.4) = 1.020.
    const waits = caseAt([0.6, 0.6, 0.6, 0.6], { server: 5, client: 2 });
    expect((waits.atBestSpeed?.rps ?? 0) / waits.rps).toBeCloseTo(1.02, 2);
    // Without gauges there is nothing to scale by.
    const none = summarizeCase({ model: 'event-loop', modelParams: {}, workload: 'hello', connections: 1, cpus: 2, merged: null, trials: [okTrial(1, 100), okTrial(2, 100)] });
    expect(none.status === 'ok' ? none.atBestSpeed : 'failed').toBeUndefined();
  });

  it('makes two runs of one computing case agree when the host gave them different speeds', () => {
    // The same server, half its time computing (a cycle of 10 ms: 5 computing, 5 waiting): 100 req/s at full speed;
    // at 0.7 of it the cycle takes 5 / 0.7 + 5 = 12.14 ms, 82.4 req/s, its server computing 7.14 / 12.14 = 58.8 % of it.
    const fast = caseAt([1, 1, 1, 1], { server: 50, client: 10 }, [100, 101, 99, 100]);
    const slowed = caseAt([0.7, 0.7, 0.7, 0.7], { server: 58.8, client: 8 }, [82.4, 83, 82, 82.4]);
    expect(slowed.rps / fast.rps).toBeLessThan(0.85); // raw figures: 17 % apart
    const ratio = (slowed.atBestSpeed?.rps ?? 0) / (fast.atBestSpeed?.rps ?? 1);
    expect(Math.abs(ratio - 1)).toBeLessThan(0.01); // at best speed: within 1 %
  });
});
