/** results/stats/run-history.ts: this machine's spread between runs of one plan, measured from the runs it kept. */
import { describe, expect, it } from 'vitest';
import type { OkCase, Results } from '../../results/schema.js';
import { isRunId } from '../../results/run-id.js';
import { caseHistory, earlierRunsOfPlan, planKey, withinSpread } from '../../results/stats/run-history.js';
import { findOkCase } from '../../results/find-case.js';
import { firstTrials, WARM_FIRST_TRIAL } from '../../results/stats/first-trials.js';
import { workloadViews } from '../../reports/views/run/workload-view.js';
import { conclusions } from '../../results/stats/conclusions.js';
import { loadFixture } from '../helpers/fixtures.js';

/** The fixture run again, `hoursLater`, every throughput × `factor` (and its speed-scaled figure alike). */
function again(base: Results, hoursLater: number, factor: number, id: string): Results {
  const at = new Date(Date.parse(base.startedAt) + hoursLater * 3600_000).toISOString();
  if (!isRunId(id)) throw new Error(`not a run id: ${id}`);
  return {
    ...base,
    runId: id,
    startedAt: at,
    cases: base.cases.map((c) => (c.status !== 'ok' ? c : { ...c, rps: c.rps * factor, ...(c.atBestSpeed === undefined ? {} : { atBestSpeed: { ...c.atBestSpeed, rps: c.atBestSpeed.rps * factor } }) })),
  };
}

const ok = (r: Results, model: string, workload: string, n: number): OkCase => {
  const c = findOkCase(r.cases, model, workload, n);
  if (c === undefined) throw new Error(`no ${model} ${workload} × ${n}`);
  return c;
};

describe('the spread between runs', () => {
  const base = loadFixture('default-run.json');
  const one = again(base, -48, 0.9, '2026-12-05T14-26-28Z-aaaa');
  const two = again(base, -24, 1.1, '2026-12-06T14-26-28Z-bbbb');
  const later = again(base, 0, 1.0, String(base.runId));

  it('keeps the earlier complete runs of the same plan on the same machine, oldest first', () => {
    const otherPlan = { ...again(base, -12, 1, '2026-12-07T02-26-28Z-cccc'), options: { ...base.options, connections: [1, 4] } };
    const otherMachine = { ...again(base, -6, 1, '2026-12-07T08-26-28Z-dddd'), machine: { ...base.machine, cpus: 8 } };
    const unfinished = { ...again(base, -3, 1, '2026-12-07T11-26-28Z-eeee'), complete: false };
    const afterwards = again(base, 5, 1, '2026-12-07T19-26-28Z-ffff');
    expect(earlierRunsOfPlan(later, [two, otherPlan, otherMachine, unfinished, afterwards, one]).map((r) => r.runId)).toEqual([one.runId, two.runId]);
    expect(planKey(one)).toBe(planKey(later));
    expect(planKey(otherPlan)).not.toBe(planKey(later));
  });

  it('is the largest distance of an earlier run from their geometric mean, and this run lies within it or not', () => {
    const c = ok(later, 'event-loop', 'hello', 16);
    const h = caseHistory(c, [one, two]);
    // 0.9 and 1.1 of the same figure: their geometric mean is √0.99 = 0.995 of it, each ±10.5 % from it.
    expect(h?.runs).toBe(2);
    expect(h?.spread).toBeCloseTo(Math.sqrt(1.1 / 0.9) - 1, 3);
    expect(h?.since).toBe(one.startedAt);
    expect(h === null ? null : withinSpread(c, h)).toBe(true);
    const far = { ...c, rps: c.rps * 1.3, ...(c.atBestSpeed === undefined ? {} : { atBestSpeed: { ...c.atBestSpeed, rps: c.atBestSpeed.rps * 1.3 } }) };
    expect(h === null ? null : withinSpread(far, h)).toBe(false);
    // One earlier run is not a spread.
    expect(caseHistory(c, [one])).toBeNull();
  });

  it('is said under each workload, with how few runs stand behind it', () => {
    const withHistory: Results = { ...later, cases: later.cases.map((c) => (c.status !== 'ok' ? c : { ...c, history: caseHistory(c, [one, two]) ?? undefined })) };
    const view = workloadViews(withHistory, conclusions(withHistory), new Set(['baseline'])).find((w) => w.name === 'hello');
    if (view === undefined) throw new Error('no hello section');
    expect(view.historyNote).toMatch(/^Earlier runs of this plan on this machine \(2, since 2026-12-05\) landed within ±11% of each other, case by case/);
    expect(view.historyNote).toMatch(/this run lies within that spread for 15 of 15 cases/);
    expect(view.historyNote).toMatch(/Only 2 earlier runs/);
    const cellText = view.series.find((s) => s.model === 'event-loop')?.cells.find((x) => x.connections === 16)?.range.rps;
    expect(cellText).toMatch(/between 2 earlier runs on this machine/);
  });
});

describe('first trials against the others', () => {
  it('says how many cases had a warm first trial, and names the cold ones', () => {
    const first = firstTrials(loadFixture('default-run.json'));
    // The fixture, made before the first trial of a case warmed at its own level: 63 of 75 within 0.9×.
    expect(first.cases).toBe(75);
    expect(first.warm).toBe(63);
    expect(first.cold).toContainEqual({ workload: 'hello', model: 'worker-pool', connections: 1, ratio: 0.63 });
    expect(first.cold.every((c) => c.ratio <= WARM_FIRST_TRIAL)).toBe(true);
  });
});
