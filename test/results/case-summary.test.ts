/** results/case-summary.ts: from trials to a case, with exact numbers. */
import { describe, expect, it } from 'vitest';
import { CLIENT_SATURATED_PERCENT, littlesLaw, summarizeCase, usedTrials, type CaseInput } from '../../results/stats/case-summary.js';
import type { FailedTrial, OkTrial, Trial } from '../../results/schema.js';
import { okTrial } from '../helpers/v2-fixture.js';


const failedTrial = (round: number, error: string): FailedTrial => ({ round, order: 0, startedAt: '2026-12-01T09:00:00.000Z', marked: [], status: 'failed', error });

const input = (trials: Trial[], more: Partial<CaseInput> = {}): CaseInput => ({ model: 'event-loop', modelParams: {}, workload: 'io', connections: 16, trials, merged: null, cpus: 2, ...more });
const codes = (c: { warnings: readonly { code: string }[] }): string[] => c.warnings.map((w) => w.code);

describe('usedTrials', () => {
  it('leaves marked trials out while two clean ones remain', () => {
    const trials = [okTrial(1, 100), okTrial(2, 60, { marked: ['busy'] }), okTrial(3, 102), okTrial(2, 101, { retryOf: 1 })];
    const { used, includesMarked } = usedTrials(trials);
    expect(used.map((t) => t.rps)).toEqual([100, 102, 101]);
    expect(includesMarked).toBe(false);
  });
  it('counts marked trials too when fewer than two clean ones remain, and says so', () => {
    const trials = [okTrial(1, 100), okTrial(2, 60, { marked: ['busy'] }), failedTrial(3, 'timeout')];
    const { used, includesMarked } = usedTrials(trials);
    expect(used.map((t) => t.rps)).toEqual([100, 60]);
    expect(includesMarked).toBe(true);
  });
});

describe("Little's law (closed loop: N = X × R)", () => {
  it('expects N / X and flags a mean more than 15 % below it as a lower bound', () => {
    // io, sequential, 64 clients: 47 req/s means 1.36 s of waiting on average; 270 ms was seen.
    expect(littlesLaw(64, 47, 270_000, 0)).toEqual({ expectedMeanUs: 1_361_702, ratio: 0.198, lowerBound: true });
    expect(littlesLaw(16, 800, 20_000, 0)).toEqual({ expectedMeanUs: 20_000, ratio: 1, lowerBound: false });
    expect(littlesLaw(16, 800, 17_000, 0)).toEqual({ expectedMeanUs: 20_000, ratio: 0.85, lowerBound: false });
    expect(littlesLaw(16, 800, 16_990, 0).lowerBound).toBe(true);
  });
  it('flags censored requests as a lower bound whatever the ratio', () => {
    expect(littlesLaw(16, 800, 20_000, 1).lowerBound).toBe(true);
  });
});

describe('a throughput is a count of answers', () => {
  it('three trials of exactly 24 answers are 48 req/s within ±1 answer, not 48 exactly', () => {
    const trials = [1, 2, 3].map((round) => okTrial(round, 48, { requests: 24, durationSeconds: 0.5 }));
    const c = summarizeCase(input(trials));
    if (c.status !== 'ok') throw new Error('not ok');
    expect(c.rps).toBe(48);
    // e^(±1/24): 46.04 to 50.04.
    expect(Math.round((c.rpsInterval?.low ?? 0) * 100) / 100).toBe(46.04);
    expect(Math.round((c.rpsInterval?.high ?? 0) * 100) / 100).toBe(50.04);
  });
  it('percentiles with a pooled sample: the pooled order-statistic interval when the trials agree, and say how many answers stand behind them', () => {
    const merged = { latencyUs: { min: 1, mean: 20, p50: 19, p90: 30, p99: 40, p999: 50, max: 60 }, distribution: [], sample: 1234, p50Interval: { low: 18, high: 21 }, p99Interval: { low: 37, high: 44 }, p999Interval: { low: 45, high: 61 } };
    const same = { min: 1, mean: 20, p50: 19, p90: 30, p99: 40, p999: 50, max: 60 };
    const c = summarizeCase(input([okTrial(1, 100, { latencyUs: same }), okTrial(2, 110, { latencyUs: same })], { merged }));
    if (c.status !== 'ok') throw new Error('not ok');
    expect([c.p50Interval, c.p99Interval, c.p999Interval, c.latencySample]).toEqual([merged.p50Interval, merged.p99Interval, merged.p999Interval, 1234]);
  });

  it('counts trials, not answers, as the independent units of a percentile: trials that disagree widen it, around the pooled value', () => {
    const merged = { latencyUs: { min: 1, mean: 20, p50: 19, p90: 30, p99: 40, p999: 50, max: 60 }, distribution: [], sample: 3000, p50Interval: { low: 18, high: 21 }, p99Interval: { low: 37, high: 44 }, p999Interval: { low: 45, high: 61 } };
    const at = (p99: number): OkTrial['latencyUs'] => ({ min: 1, mean: 20, p50: 19, p90: 30, p99, p999: 50, max: 60 });
    const c = summarizeCase(input([okTrial(1, 100, { latencyUs: at(30) }), okTrial(2, 100, { latencyUs: at(40) }), okTrial(3, 100, { latencyUs: at(53) })], { merged }));
    if (c.status !== 'ok' || c.p99Interval === null) throw new Error('not ok');
    // ln 30, ln 40, ln 53: sd 0.28455; t(2) = 4.303 over √3: ×/÷ e^0.70693 = 2.0277 around the pooled 40.
    expect(Math.round(c.p99Interval.low * 100) / 100).toBe(19.73);
    // Its top, 81.11, lies beyond the largest answer of these trials (60 µs): no percentile of them does, so it stops there.
    expect(c.p99Interval.high).toBe(60);
    // Trials that agree leave the pooled interval as it was.
    expect(c.p50Interval).toEqual(merged.p50Interval);
  });
});

describe('summarizeCase', () => {
  it('takes the geometric mean of the trials and the 95 % interval of that same estimate', () => {
    const c = summarizeCase(input([okTrial(1, 100), okTrial(2, 110), okTrial(3, 105)]));
    expect(c.status).toBe('ok');
    if (c.status !== 'ok') return;
    // (100 × 110 × 105)^(1/3) = 104.92; t(2) = 4.303 on the logs' sd 0.04766, over √3, and 1 answer in 210 beside it.
    expect(c.rps).toBe(104.9);
    expect(Math.round((c.rpsInterval?.low ?? 0) * 1000) / 1000).toBe(93.196);
    expect(Math.round((c.rpsInterval?.high ?? 0) * 1000) / 1000).toBe(118.12);
    expect(c.rps).toBeGreaterThan(c.rpsInterval?.low ?? Infinity);
    expect(c.rps).toBeLessThan(c.rpsInterval?.high ?? 0);
    expect(c.p50Interval).not.toBeNull();
    expect(c.requests).toBe(200 + 220 + 210);
    expect(c.trials).toHaveLength(3);
    expect(c.mode).toBe('closed');
    // Without merged histograms, each percentile is the median of the trials'.
    expect(c.latencyUs.p50).toBe(Math.round((16 / 105) * 1e6));
    expect(c.littlesLaw.lowerBound).toBe(false);
    expect(codes(c)).toEqual(['wide-interval']); // ±12 % after three trials
  });
  it('has no interval with one trial, and no wide-interval warning either', () => {
    const c = summarizeCase(input([okTrial(1, 100)]));
    expect(c.status === 'ok' ? c.rpsInterval : 'failed').toBeNull();
    expect(codes(c)).toEqual([]);
  });
  it('leaves a marked trial out of the estimate, and says that it was retried', () => {
    const c = summarizeCase(input([okTrial(1, 100), okTrial(2, 50, { marked: ['parallel capacity 61% of the start'] }), okTrial(3, 101), okTrial(2, 102, { retryOf: 1 })]));
    expect(c.status === 'ok' ? c.rps : null).toBe(101); // (100 × 101 × 102)^(1/3) = 100.997
    expect(codes(c)).toEqual(['marked-trials']);
    expect(c.warnings[0]?.message).toBe('trials run while the machine was busy or slower: 1 (1 retried)');
  });
  it("warns by code when Little's law is broken, and the message names it", () => {
    const slow = (round: number): OkTrial => okTrial(round, 47, { latencyUs: { min: 20_000, mean: 270_000, p50: 250_000, p90: 400_000, p99: 600_000, p999: 800_000, max: 900_000 } });
    const c = summarizeCase(input([slow(1), slow(2), slow(3)], { model: 'sequential', connections: 64 }));
    expect(c.status === 'ok' ? c.littlesLaw : null).toEqual({ expectedMeanUs: 1_361_702, ratio: 0.198, lowerBound: true });
    const little = c.warnings.find((w) => w.code === 'littles-law');
    expect(little?.message).toBe(
      "Little's law: 64 clients at 47 req/s should wait 1.36 s on average, but the measured mean is 270 ms (20%): some waiting was not seen, so the latency shown is a lower bound (≥)",
    );
  });
  it('counts censored requests as a lower bound', () => {
    const c = summarizeCase(input([okTrial(1, 100, { censored: 2 }), okTrial(2, 100, { censored: 1 })]));
    expect(c.status === 'ok' ? c.littlesLaw.lowerBound : null).toBe(true);
    expect(c.warnings.find((w) => w.code === 'censored')?.message).toBe('requests sent during the window without an answer when the bench stopped waiting: 3; the latency shown is a lower bound (≥)');
  });
  it('warns of a saturated client and of oversubscription, by code', () => {
    const c = summarizeCase(input([okTrial(1, 100, { clientCpuPercent: CLIENT_SATURATED_PERCENT }), okTrial(2, 100, { clientCpuPercent: 95 })], { modelParams: { threads: 2 }, model: 'worker-pool' }));
    expect(codes(c)).toEqual(['client-saturated', 'oversubscribed']);
    expect(c.warnings[1]?.message).toBe('oversubscribed: 2 server threads and the load generator share 2 cores');
  });
  it('stands on the trials that completed, and fails only when none did', () => {
    const some = summarizeCase(input([okTrial(1, 100), failedTrial(2, 'no answer within 10 s'), okTrial(3, 100)]));
    expect(some.status).toBe('ok');
    expect(some.warnings.find((w) => w.code === 'failed-trials')?.message).toBe('trials that failed: 1 of 3 (no answer within 10 s)');
    const none = summarizeCase(input([failedTrial(1, 'the server exited with code 134'), failedTrial(2, 'other')]));
    expect(none.status).toBe('failed');
    expect(none.status === 'failed' ? none.error : '').toBe('the server exited with code 134');
  });
});
