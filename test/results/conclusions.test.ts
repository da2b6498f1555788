/** results/conclusions.ts: faster, slower or no measurable difference, per cell and pair; and what two runs contradict. */
import { describe, expect, it } from 'vitest';
import { summarizeCase } from '../../results/stats/case-summary.js';
import { conclusions, contradictions, verdictFor } from '../../results/stats/conclusions.js';
import { conclusionSentence, conclusionText, rpsWithInterval } from '../../reports/text/conclusions.js';
import type { CaseResult, Results } from '../../results/schema.js';
import { comparePaired } from '../../results/stats/stats.js';
import { loadFixture } from '../helpers/fixtures.js';
import { buildV2Results, CONTRADICTING, okTrial } from '../helpers/v2-fixture.js';

function caseOf(model: string, rpsByRound: readonly number[], connections = 16): CaseResult {
  return summarizeCase({ model, modelParams: {}, workload: 'io', connections, trials: rpsByRound.map((rps, i) => okTrial(i + 1, rps)), merged: null, cpus: 2 });
}

const base = buildV2Results({ hostile: false });
const runWith = (cases: CaseResult[]): Results => ({ ...base, options: { ...base.options, models: ['sequential', 'event-loop'], workloads: ['io'], connections: [16] }, cases });

describe('conclusions of one run', () => {
  it('compares the pair round by round: a slow round cancels', () => {
    // event-loop serves 16× in every round; round 2 was slow for both.
    const run = runWith([caseOf('sequential', [47, 30, 48]), caseOf('event-loop', [752, 480, 768])]);
    const [c, ...rest] = conclusions(run);
    expect(rest).toEqual([]);
    expect(c?.a).toBe('sequential');
    expect(c?.b).toBe('event-loop');
    expect(c?.comparison.verdict).toBe('slower');
    expect(c === undefined ? '' : conclusionSentence(c)).toBe('on `io` at 16 clients, `event-loop` served 16.0× the requests of `sequential` (95%: 16.0–16.0×)');
    expect(c === undefined ? null : verdictFor(c, 'event-loop')).toBe('faster');
  });
  it('says "do not differ measurably" with the largest difference the interval allows', () => {
    const run = runWith([caseOf('sequential', [100, 104, 98]), caseOf('event-loop', [101, 100, 99])]);
    const c = conclusions(run)[0];
    const interval = c?.comparison.interval;
    expect(c?.comparison.verdict).toBe('same');
    expect(c === undefined ? '' : conclusionSentence(c)).toBe(`on \`io\` at 16 clients, \`sequential\` and \`event-loop\` do not differ measurably (±${Math.round(Math.max((interval?.high ?? 0) - 1, 1 - (interval?.low ?? 0)) * 100)}%)`);
    expect(c === undefined ? '' : conclusionSentence(c)).toBe('on `io` at 16 clients, `sequential` and `event-loop` do not differ measurably (±8%)');
  });
  it('writes each verdict with the interval of the ratio', () => {
    const clear = comparePaired([[120, 100], [125, 100], [122, 100], [118, 100]]);
    if (clear === null) throw new Error('no comparison');
    expect(conclusionText('cpu', 1, 'a', 'b', clear)).toBe('on `cpu` at 1 client, `a` served 1.21× the requests of `b` (95%: 1.17–1.26×)');
    const inverse = comparePaired([[100, 120], [100, 125], [100, 122], [100, 118]]);
    if (inverse === null) throw new Error('no comparison');
    expect(conclusionText('cpu', 1, 'a', 'b', inverse)).toBe('on `cpu` at 1 client, `b` served 1.21× the requests of `a` (95%: 1.17–1.26×)');
    const once = comparePaired([[120, 100]]);
    if (once === null) throw new Error('no comparison');
    expect(conclusionText('cpu', 64, 'a', 'b', once)).toBe('on `cpu` at 64 clients, `a` and `b` do not differ measurably (too few rounds to tell)');
    // An interval wider than ±50 % is given as it is, not as "±757%".
    expect(conclusionText('hello', 64, 'a', 'b', { ratio: 1.2, interval: { low: 0.12, high: 8.57 }, rounds: 4, verdict: 'same' })).toBe(
      'on `hello` at 64 clients, `a` and `b` do not differ measurably (95%: 0.12–8.57×: too wide to tell which serves more)',
    );
    expect(conclusionText('hello', 64, 'a', 'b', { ratio: 1.0, interval: { low: 0.8, high: 1.3 }, rounds: 4, verdict: 'same' })).toBe('on `hello` at 64 clients, `a` and `b` do not differ measurably (±30%)');
  });
  it('pairs only the rounds both models ran, and skips a failed case', () => {
    const failed = summarizeCase({ model: 'event-loop', modelParams: {}, workload: 'io', connections: 16, trials: [{ round: 1, order: 0, startedAt: base.startedAt, marked: [], status: 'failed', error: 'exited' }], merged: null, cpus: 2 });
    expect(conclusions(runWith([caseOf('sequential', [47, 48, 46]), failed]))).toEqual([]);
  });
  it('of the built fixture: every pair of every cell with two results', () => {
    const all = conclusions(base);
    // hello: 5 models × 3 levels (10 pairs each); io: 4 models at 1 and 16 (6 pairs), 3 at 64 (worker-pool failed); cpu: 4 models × 3 levels.
    expect(all).toHaveLength(30 + 6 + 6 + 3 + 18);
    expect(all.find((c) => c.workload === 'io' && c.connections === 64 && c.a === 'sequential' && c.b === 'event-loop')?.comparison.verdict).toBe('slower');
  });
  it('rpsWithInterval: the median and its 95 % interval, or the median alone', () => {
    const c = caseOf('sequential', [100, 110, 105]);
    expect(c.status === 'ok' ? rpsWithInterval(c) : '').toBe('105 req/s (95%: 93.2–118)');
    const one = caseOf('sequential', [12345]);
    expect(one.status === 'ok' ? rpsWithInterval(one) : '').toBe('12,345 req/s');
  });
});

describe('contradictions between runs', () => {
  it('lists the opposite verdicts and the unconfirmed differences of two runs made to disagree', () => {
    const found = contradictions([buildV2Results(), buildV2Results(CONTRADICTING)]);
    const opposite = found.filter((c) => c.kind === 'opposite');
    expect(opposite.map((c) => [c.workload, c.connections, c.a, c.b])).toEqual([['hello', 64, 'sequential', 'event-loop']]);
    expect((opposite[0]?.found ?? []).map(conclusionSentence)[0]).toMatch(/^on `hello` at 64 clients, `event-loop` served [\d.]+× the requests of `sequential`/);
    expect((opposite[0]?.found ?? []).map(conclusionSentence)[1]).toMatch(/^on `hello` at 64 clients, `sequential` served [\d.]+× the requests of `event-loop`/);
    const unconfirmed = found.filter((c) => c.kind === 'unconfirmed');
    expect(unconfirmed.map((c) => `${c.workload} ${c.connections} ${c.a} ${c.b}`)).toContain('cpu 64 worker-pool cluster');
  });
  it('finds none between a run and itself', () => {
    expect(contradictions([base, base])).toEqual([]);
  });
  it('does not count a run that could not tell (one round: a version-1 file) as confirming or contradicting', () => {
    const v1 = loadFixture('run-a.json');
    expect(conclusions(v1).every((c) => c.comparison.interval === null)).toBe(true);
    expect(contradictions([base, v1])).toEqual([]);
  });
});

describe('a difference smaller than the lab calls', () => {
  it('is said as such, not as "no measurable difference", when the interval leaves out 1', () => {
    const text = conclusionText('io', 16, 'a', 'b', { ratio: 1.1, interval: { low: 1.02, high: 1.2 }, rounds: 4, verdict: 'same' });
    expect(text).toBe('on `io` at 16 clients, `a` served more than `b` (95%: 1.02–1.20×), but not surely by the 5% the lab calls a difference');
    const other = conclusionText('io', 16, 'a', 'b', { ratio: 0.9, interval: { low: 0.8, high: 0.98 }, rounds: 4, verdict: 'same' });
    expect(other).toBe('on `io` at 16 clients, `b` served more than `a` (95%: 1.02–1.25×), but not surely by the 5% the lab calls a difference');
  });
});
