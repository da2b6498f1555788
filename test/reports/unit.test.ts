import { describe, expect, it } from 'vitest';
import type { Cell } from '../../results/stats/aggregate.js';
import { cell } from '../../results/stats/aggregate.js';
import { conclusions, type Conclusion } from '../../results/stats/conclusions.js';
import { conclusionSentence } from '../../reports/text/conclusions.js';
import type { Verdict } from '../../results/stats/stats.js';
import { buildCompareView, compareWarnings } from '../../reports/views/compare-view.js';
import { differencePlusMinus, latencyRangeText, latencyText, percentText, plusMinus, ratioRangeText, ratioText, rpsRangeText, rpsText } from '../../reports/views/figures.js';
import { headline } from '../../reports/views/headline.js';
import { indexEntry } from '../../reports/views/index-view.js';
import { groupWarnings, WARNING_ORDER } from '../../reports/views/warnings.js';
import { createHash } from 'node:crypto';
import { embedJson, escapeHtml, inlineScript, pageShell, type PageAssets } from '../../reports/html.js';
import { buildRunView } from '../../reports/views/run/run-view.js';
import { machineView } from '../../reports/views/run/machine-view.js';
import { trialRows } from '../../reports/views/run/trials-view.js';
import type { CellView } from '../../reports/views/cell-view.js';
import { comparePageName, runPageName } from '../../reports/write.js';
import { formatUs } from '../../lib/format.js';
import { isRunId, newRunId, type RunId } from '../../results/run-id.js';
import { validateResults } from '../../results/schema.js';
import { loadFixture } from '../helpers/fixtures.js';
import { memoryRelation, RELATIONS } from '../../reports/classroom/class-run.js';
import type { Results } from '../../results/schema.js';
import { buildV2Results, CONTRADICTING, HOSTILE } from '../helpers/v2-fixture.js';

function fakeCell(model: string, rps: number | null, p99: number | null, more: Partial<Cell> = {}): Cell {
  return {
    model, workload: 'io', connections: 64, runs: 3, failed: [], warnings: [], rps, rpsInterval: null, p50: null, p50Interval: null, p99, p99Interval: null, p999: null, p999Interval: null, latencySample: null, mean: null, max: null,
    serverCpuPercent: null, serverRssPeakBytes: null, clientCpuPercent: null, errors: 0, timeouts: 0, non2xx: 0, servedBy: null, requests: 0, littlesLaw: null, latencyLowerBound: false,
    trials: [], markedTrials: 0, distribution: [], predicted: null, lostUpdates: null, history: null, withinHistory: null, rpsAtBest: null, ...more,
  };
}

/** A conclusion as results/conclusions.ts makes it: `a` before `b`, the ratio a / b. */
function fakeConclusion(workload: string, connections: number, a: string, b: string, ratio: number, low: number | null, high: number | null, verdict: Verdict): Conclusion {
  const comparison = { ratio, interval: low === null || high === null ? null : { low, high }, rounds: low === null ? 1 : 3, verdict };
  return { workload, connections, a, b, comparison };
}

describe('numbers with their uncertainty (reports/figures.ts)', () => {
  it('± is the larger side of the 95 % interval, in whole percent, one decimal below 1 %', () => {
    expect(plusMinus(100, { low: 95, high: 106 })).toBe('±6%');
    expect(plusMinus(100, { low: 90, high: 103 })).toBe('±10%');
    expect(plusMinus(100, { low: 99.6, high: 100.3 })).toBe('±0.4%');
    expect(plusMinus(100, null)).toBe('');
  });
  it('throughput: "12,345 ±6%", or the median alone with one trial', () => {
    expect(rpsText(12_345, { low: 11_604.3, high: 13_086 })).toBe('12,345 ±6%');
    expect(rpsText(47.1, { low: 44.7, high: 49.9 })).toBe('47.1 ±6%');
    expect(rpsText(12_345, null)).toBe('12,345');
    expect(rpsText(null, null)).toBe('—');
  });
  it('latency: "21.4 ms ±6%", or "≥ 1.36 s" when it misses some waiting (no ± then)', () => {
    expect(latencyText(21_400, { low: 20_330, high: 22_684 }, false)).toBe('21.4 ms ±6%');
    expect(latencyText(1_361_702, { low: 1_000_000, high: 2_000_000 }, true)).toBe('≥ 1.36 s');
    expect(latencyText(850, null, false)).toBe('850 µs');
    expect(latencyText(null, null, true)).toBe('—');
  });
  it('ranges, ratios and the "±" of a pair that does not differ', () => {
    expect(rpsRangeText({ low: 11_900.4, high: 12_800.6 })).toBe('95%: 11,900–12,801 req/s');
    expect(latencyRangeText({ low: 20_330, high: 22_684 })).toBe('95%: 20.3 ms–22.7 ms');
    expect(rpsRangeText(null)).toBe('');
    expect([63.2, 10, 9.996, 1.923, 1.05].map(ratioText)).toEqual(['63', '10', '10.00', '1.92', '1.05']);
    expect(ratioRangeText({ low: 60.1, high: 66.4 })).toBe('95%: 60–66×');
    expect(differencePlusMinus({ low: 0.95, high: 1.08 })).toBe('±8%');
    expect(differencePlusMinus({ low: 1.02, high: 1.04 })).toBe('±4%');
    expect(differencePlusMinus(null)).toBe('');
    // A tight interval keeps a decimal: "±0%" would read as no uncertainty at all.
    expect(differencePlusMinus({ low: 0.997, high: 1.004 })).toBe('±0.4%');
    expect(percentText(0.916)).toBe('92%');
  });
});

describe('headline: one conclusion per workload, with its uncertainty', () => {
  it('says which model served most, by how much, with the 95 % range and both p99s ("≥" where a lower bound)', () => {
    const cells = [fakeCell('sequential', 47, 1_361_702, { latencyLowerBound: true }), fakeCell('event-loop', 2_970, 25_600, { p99Interval: { low: 24_000, high: 27_000 } })];
    // The run lists sequential first: its conclusion holds sequential / event-loop.
    const conclusions = [fakeConclusion('io', 64, 'sequential', 'event-loop', 1 / 63.2, 1 / 66.4, 1 / 60.1, 'slower')];
    expect(headline('io', 64, cells, conclusions, new Set())).toBe(
      'At 64 clients on `io`, `event-loop` served 63× the requests of `sequential` (95%: 60–66×), with a p99 of 25.6 ms against ≥ 1.36 s.',
    );
  });
  it('says so when the fastest and the slowest do not differ measurably, with the ±', () => {
    const cells = [fakeCell('sequential', 28_487, 1_180), fakeCell('event-loop', 29_645, 1_130)];
    const conclusions = [fakeConclusion('hello', 16, 'sequential', 'event-loop', 0.97, 0.93, 1.02, 'same')];
    expect(headline('hello', 16, cells, conclusions, new Set())).toBe(
      'At 16 clients on `hello`, the models do not differ measurably: `event-loop` (the highest throughput) and `sequential` (the lowest) are within ±7% of each other.',
    );
  });
  it('gives the ratio\'s interval instead of a ± where it is too wide to tell the models apart', () => {
    const cells = [fakeCell('sequential', 13_443, 5_000), fakeCell('event-loop', 7_944, 9_000), fakeCell('cluster', 9_373, 7_000)];
    // The run lists event-loop first: its conclusion holds event-loop / sequential.
    const conclusions = [fakeConclusion('static', 64, 'event-loop', 'sequential', 0.59, 0.37, 2.73, 'same'), fakeConclusion('static', 64, 'sequential', 'cluster', 1.43, 0.9, 2.2, 'same')];
    expect(headline('static', 64, cells, conclusions, new Set())).toBe(
      'At 64 clients on `static`, the run cannot tell the models apart: the ratio of `sequential` (the highest throughput) to `event-loop` (the lowest) lies in 95%: 0.37–2.70×, an interval too wide to say which serves more.',
    );
    const two = [fakeConclusion('static', 64, 'sequential', 'cluster', 1.43, 0.9, 2.2, 'same'), fakeConclusion('static', 64, 'sequential', 'event-loop', 1.7, 1.2, 2.4, 'faster')];
    expect(headline('static', 64, cells, two, new Set())).toContain('Next: `sequential` and `cluster` do not differ measurably (95%: 0.90–2.20×: too wide to tell which serves more).');
  });
  it('then the runner-up, and the bare baseline as the ceiling, never a contender', () => {
    const cells = [fakeCell('event-loop', 34_000, 3_900), fakeCell('worker-pool', 9_000, 14_900), fakeCell('cluster', 33_000, 4_100), fakeCell('baseline', 37_000, 3_600)];
    const conclusions = [
      fakeConclusion('hello', 64, 'event-loop', 'worker-pool', 3.77, 3.65, 3.9, 'faster'),
      fakeConclusion('hello', 64, 'event-loop', 'cluster', 1.03, 0.97, 1.09, 'same'),
      fakeConclusion('hello', 64, 'event-loop', 'baseline', 0.916, 0.88, 0.955, 'slower'),
    ];
    expect(headline('hello', 64, cells, conclusions, new Set(['baseline']))).toBe(
      'At 64 clients on `hello`, `event-loop` served 3.77× the requests of `worker-pool` (95%: 3.65–3.90×), with a p99 of 3.90 ms against 14.9 ms. ' +
        'Next: `event-loop` and `cluster` do not differ measurably (±9%). ' +
        '`event-loop` reached 92% (95%: 88–96%) of the bare `baseline`’s 37,000 req/s.',
    );
    const close = [fakeConclusion('hello', 64, 'event-loop', 'baseline', 0.98, 0.94, 1.03, 'same'), ...conclusions.slice(0, 2)];
    expect(headline('hello', 64, cells, close, new Set(['baseline']))).toContain('`event-loop` and the bare `baseline` (37,000 req/s) do not differ measurably (±6%).');
  });
  it('the paired rounds decide the direction, even where the medians say otherwise', () => {
    const cells = [fakeCell('a', 101, null), fakeCell('b', 100, null)];
    expect(headline('cpu', 4, cells, [fakeConclusion('cpu', 4, 'a', 'b', 0.9, 0.85, 0.94, 'slower')], new Set())).toBe(
      'At 4 clients on `cpu`, `b` served 1.11× the requests of `a` (95%: 1.06–1.18×), with a p99 of — against —.',
    );
  });
  it('says when there is no interval (one round: a version-1 file), a single model, nothing, and failures', () => {
    const once = [fakeConclusion('io', 8, 'sequential', 'event-loop', 47 / 380, null, null, 'same')];
    expect(headline('io', 8, [fakeCell('sequential', 47, 170_000), fakeCell('event-loop', 380, 21_000)], once, new Set())).toBe(
      'At 8 clients on `io`, `event-loop` served 8.09× the requests of `sequential` (one round: no interval), with a p99 of 21.0 ms against 170 ms.',
    );
    expect(headline('io', 8, [fakeCell('sequential', 47, null), fakeCell('event-loop', 380, null)], [], new Set())).toContain('(not measured in the same rounds)');
    expect(headline('csv', 4, [fakeCell('cluster', 1000, 3000, { rpsInterval: { low: 950, high: 1040 } }), fakeCell('sequential', null, null, { failed: ['server killed by SIGKILL'] })], [], new Set())).toBe(
      'At 4 clients on `csv`, only `cluster` has a result: 1,000 ±5% requests per second. Failed at this level: `sequential`.',
    );
    expect(headline('csv', 4, [fakeCell('sequential', null, null, { failed: ['x'] })], [], new Set())).toBe('At 4 clients on `csv`, no model of the application has a result.');
  });
});

describe('the run view of the built version-2 fixture', () => {
  const results = buildV2Results();
  const view = buildRunView(results);
  const io = view.workloads.find((w) => w.name === 'io');
  const cellOf = (workload: string, model: string, n: number): CellView | undefined => view.workloads.find((w) => w.name === workload)?.series.find((s) => s.model === model)?.cells.find((c) => c.connections === n);

  it('writes every figure with its ± or its ≥, from the case', () => {
    for (const c of results.cases) {
      if (c.status !== 'ok') continue;
      const x = cellOf(c.workload, c.model, c.connections);
      expect(x?.text.rps).toBe(rpsText(c.rps, c.rpsInterval));
      expect(x?.text.p99).toBe(latencyText(c.latencyUs.p99, c.p99Interval, c.littlesLaw.lowerBound));
    }
    const lower = cellOf('io', 'sequential', 64);
    expect(lower?.latencyLowerBound).toBe(true);
    expect(lower?.text.p50.startsWith('≥ ')).toBe(true);
    expect(lower?.text.p99).toBe(`≥ ${formatUs(lower?.p99 ?? 0)}`);
    expect(lower?.range.p99).toBe('');
    expect(cellOf('io', 'event-loop', 16)?.text.trials).toBe('6 (1 marked)');
    expect(cellOf('io', 'worker-pool', 64)?.text.trials).toBe('3 (3 failed)');
    expect(cellOf('cpu', 'cluster', 1)?.text.trials).toBe('3 (1 failed)');
  });
  it('lists every trial, in the order it ran, the marked one tied to its retry', () => {
    expect(io?.trials).toHaveLength(results.cases.filter((c) => c.workload === 'io').reduce((n, c) => n + c.trials.length, 0));
    const marked = io?.trials.filter((t) => t.marked.length > 0) ?? [];
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatchObject({ model: 'event-loop', connections: 16, number: 2, round: 2, used: false, retriedBy: 3, retryOf: null });
    expect(marked[0]?.text).toMatchObject({ marked: 'parallel capacity 61% of the start; background load 140% of a core', retry: 'retried as #3', used: 'no', background: '140%' });
    const retry = io?.trials.find((t) => t.model === 'event-loop' && t.connections === 16 && t.number === 3);
    expect(retry).toMatchObject({ round: 2, retryOf: 2, used: true });
    expect(retry?.text.retry).toBe('retry of #2');
    const order = (io?.trials ?? []).map((t) => [t.connections, t.round, t.order]);
    expect(order).toEqual([...order].sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0) || (x[1] ?? 0) - (y[1] ?? 0) || (x[2] ?? 0) - (y[2] ?? 0)));
    expect(io?.trialsSummary).toBe('All 45 trials of `io`, in the order they ran: 1 marked and retried, 3 failed, first trials warm in 11 of 11 cases (each at least 0.9× its case’s other trials)');
    const failed = io?.trials.find((t) => t.status === 'failed');
    expect(failed?.text).toMatchObject({ rps: 'failed', marked: 'failed: the server exited with code 134 before answering (out of memory)' });
  });
  it('marks a trial whose own latency misses waiting with ≥', () => {
    const rows = trialRows('sequential', 64, results.cases.find((c) => c.model === 'sequential' && c.workload === 'io' && c.connections === 64)?.trials ?? []);
    expect(rows.every((r) => r.text.p99.startsWith('≥ '))).toBe(true);
  });
  it('has the conclusions of each workload, per number of clients, as results/conclusions.ts says them', () => {
    const all = conclusions(results);
    for (const w of view.workloads) {
      expect(w.conclusions.flatMap((g) => g.items.map((i) => i.text))).toEqual(all.filter((c) => c.workload === w.name).map((c) => conclusionSentence(c)));
    }
    expect(io?.conclusions.map((g) => g.connections)).toEqual([1, 16, 64]);
  });
  it('says why some latencies are "≥", from the cases’ warnings', () => {
    expect(io?.lowerBounds.map((b) => [b.model, b.connections])).toEqual([['sequential', 64], ['sequential', 64]]);
    expect(io?.lowerBounds.some((b) => b.message.startsWith("Little's law: 64 clients at "))).toBe(true);
  });
  it('has one headline per workload, spoken as a conclusion with its uncertainty', () => {
    expect(view.headlines).toHaveLength(3);
    expect(view.headlines[1]).toMatch(/^At 64 clients on `io`, `event-loop` served \d+× the requests of `sequential` \(95%: \d+–\d+×\), with a p99 of [\d.]+ ms against ≥ [\d.]+ ms\. Next: `event-loop` and `cluster` do not differ measurably \(±\d+%\)\. Failed at this level: `worker-pool`\.$/);
  });
  it('groups the warnings by code, in a fixed order, each message as written', () => {
    const groups = groupWarnings(results);
    const order: readonly string[] = WARNING_ORDER;
    expect(groups.map((g) => order.indexOf(g.code))).toEqual([...groups.map((g) => order.indexOf(g.code))].sort((a, b) => a - b));
    expect(groups.map((g) => g.code)).toEqual(['machine', 'machine-drift', 'littles-law', 'censored', 'marked-trials', 'wide-interval', 'client-saturated', 'oversubscribed', 'failed-trials', 'non-2xx', 'server-stop']);
    const stop = groups.find((g) => g.code === 'server-stop');
    expect(stop?.cases).toEqual([{ model: 'cluster', workload: 'hello', connections: 1, message: `a server process survived its stop: ${HOSTILE} & <b>bold</b>` }]);
    const little = groups.find((g) => g.code === 'littles-law');
    expect(little?.cases.map((c) => `${c.model} ${c.workload} ${c.connections}`)).toEqual(['sequential io 64', 'sequential cpu 64']);
    expect(view.warnings).toEqual(groups);
  });
  it('follows the machine through its probes, flagging where capacity dropped by more than 20 %', () => {
    const machine = machineView(results);
    expect(machine?.probes).toHaveLength(10);
    expect(machine?.probes.filter((p) => p.dropped).map((p) => p.before)).toEqual(['io × 16']);
    const dropped = machine?.probes.find((p) => p.dropped);
    // Shares of the run's best capacity (at most the cores): a busy start does not make the rest look faster.
    const best = Math.min(Math.max(...(machine?.probes ?? []).map((p) => p.capacity)), machine?.cores ?? 1);
    expect(dropped?.text.capacityShare).toBe(`${Math.round(((dropped?.capacity ?? 0) / best) * 100)}%`);
    expect(machine?.summary[2]).toBe('The machine was slower or had less parallel capacity (by more than 20%, against the best probe before) before io × 16 (1.20 cores): trials measured then were marked, and retried where the time budget allowed.');
    expect(machineView({ ...results, probes: [] })).toBeNull();
  });
  it('says how the run measured', () => {
    expect(Object.fromEntries(view.facts).Profile).toBe(
      'default: 3 trials per case (a round with a marked trial played again, up to 5 trials, within a budget of 5m00s), 2 s each after 0.5 s of warm-up; the models of a cell take turns in rounds, in a shuffled order (seed 42)',
    );
    expect(indexEntry(results, './x').measured).toBe('3–5 interleaved trials of 2 s');
    expect(indexEntry(results, './x').marked).toBe(1);
  });
});

describe('the comparison view', () => {
  const a = buildV2Results();
  const b = buildV2Results(CONTRADICTING);
  it('lists contradictions first, then what a second run did not confirm, with each run’s sentence', () => {
    const view = buildCompareView([{ label: 'A', results: a }, { label: 'B', results: b }]);
    expect(view.opposite.map((c) => [c.workload, c.connections, c.a, c.b])).toEqual([['hello', 64, 'sequential', 'event-loop']]);
    expect(view.opposite[0]?.sentences.map((s) => s.label)).toEqual(['A', 'B']);
    expect(view.unconfirmed.length).toBeGreaterThan(0);
    expect(view.unconfirmed.every((c) => c.kind === 'unconfirmed')).toBe(true);
    expect(view.unchecked).toBe(0);
  });
  it('sets the runs’ figures with their ± and ≥', () => {
    const view = buildCompareView([{ label: 'A', results: a }, { label: 'B', results: b }]);
    const row = view.workloads.find((w) => w.name === 'io')?.rows.find((r) => r.model === 'sequential' && r.connections === 64);
    expect(row?.runs.map((f) => f.text.p99.startsWith('≥ '))).toEqual([true, true]);
    const c = a.cases.find((x) => x.model === 'event-loop' && x.workload === 'io' && x.connections === 64);
    const first = view.workloads.find((w) => w.name === 'io')?.rows.find((r) => r.model === 'event-loop' && r.connections === 64)?.runs[0];
    expect(first?.text.rps).toBe(c?.status === 'ok' ? rpsText(c.rps, c.rpsInterval) : '');
  });
  it('compares a version-2 run with an upgraded version-1 run, warning that the older had no interleaved trials', () => {
    const v1 = loadFixture('run-b.json');
    const view = buildCompareView([{ label: 'A', results: a }, { label: 'B', results: v1 }]);
    expect(view.warnings.join(' ')).toContain('Run B was read from a version-1 results file: it had no interleaved trials');
    expect(view.runs.map((r) => r.measured)).toEqual(['3–5 interleaved trials of 2 s', '1 repeat of 0.5 s, not interleaved (version 1)']);
    expect(view.opposite).toEqual([]);
    expect(view.unconfirmed).toEqual([]);
    expect(view.unchecked).toBeGreaterThan(0);
  });
});

describe('html safety', () => {
  it('escapes text and embeds JSON without a single <', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
    const json = embedJson({ name: '</script><!-- x' });
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual({ name: '</script><!-- x' });
    expect(inlineScript('a="</script>"')).toBe('a="<\\/script>"');
  });
});

describe('the run view of a version-1 file, upgraded', () => {
  const results = loadFixture('run-a.json');
  it('keeps failed cases as failed cells, never drops them', () => {
    const failed = results.cases.flatMap((c) => (c.status === 'failed' ? [c] : []));
    expect(failed.length).toBeGreaterThan(0);
    const view = buildRunView(results);
    expect(view.failed).toHaveLength(failed.length);
    for (const c of failed) {
      const x = cell(results.cases, c.model, c.workload, c.connections);
      expect(x.rps).toBeNull();
      expect(x.failed).toContain(c.error);
    }
  });
  it('has a headline per workload', () => {
    const view = buildRunView(results);
    expect(view.headlines).toHaveLength(new Set(results.cases.map((c) => c.workload)).size);
  });
  it('warns when runs of different machines are compared', () => {
    const other = { ...results, machine: { ...results.machine, cpuModel: 'Other', node: 'v22.0.0' } };
    const warnings = compareWarnings([{ label: 'A', results }, { label: 'B', results: other }]);
    expect(warnings.join(' ')).toMatch(/different machines.*different Node\.js versions/);
    expect(compareWarnings([{ label: 'A', results }, { label: 'B', results }])).toEqual([
      "Run A was read from a version-1 results file: it had no interleaved trials (each case ran once, or repeated one after another), so its numbers mostly have no interval, and its conclusions are weaker than a version-2 run's.",
      "Run B was read from a version-1 results file: it had no interleaved trials (each case ran once, or repeated one after another), so its numbers mostly have no interval, and its conclusions are weaker than a version-2 run's.",
    ]);
    const v2 = buildV2Results();
    expect(compareWarnings([{ label: 'A', results: v2 }, { label: 'B', results: v2 }])).toEqual([]);
  });
  it('has no probes, says so, and its conclusions claim nothing', () => {
    const view = buildRunView(results);
    expect(view.machine).toBeNull();
    expect(view.upgradedFrom).toBe(1);
    expect(view.warnings[0]?.code).toBe('upgraded');
    expect(view.workloads.flatMap((w) => w.conclusions.flatMap((g) => g.items)).every((c) => c.verdict === 'same')).toBe(true);
  });
});

describe('one latency formatter for tables and chart axes', () => {
  it('keeps three significant digits, trailing zeros included', () => {
    expect([94, 850, 2_345, 21_400, 214_500, 1_300_000, 12_345_000].map((us) => formatUs(us))).toEqual(['94 µs', '850 µs', '2.35 ms', '21.4 ms', '215 ms', '1.30 s', '12.3 s']);
  });
  it('chooses the unit after rounding, so no "1000 µs" or "1000.0 ms"', () => {
    expect([999.4, 999.6, 9_994, 9_996, 999_400, 999_600].map((us) => formatUs(us))).toEqual(['999 µs', '1.00 ms', '9.99 ms', '10.0 ms', '999 ms', '1.00 s']);
  });
  it('never falls into exponent notation', () => {
    expect([999_600_000, 1_234_567_890].map((us) => formatUs(us))).toEqual(['1,000 s', '1,235 s']);
  });
  it('labels chart axes with the same rounding, without trailing zeros', () => {
    const axis = (us: number): string => formatUs(us, { trimZeros: true });
    expect([100, 1_000, 2_000, 10_000, 100_000, 1_000_000, 2_500_000].map(axis)).toEqual(['100 µs', '1 ms', '2 ms', '10 ms', '100 ms', '1 s', '2.5 s']);
    expect([999.6, 2_345, 214_500, 999_600].map(axis)).toEqual(['1 ms', '2.35 ms', '215 ms', '1 s']);
  });
});

describe('run ids', () => {
  it('accepts what the bench makes, and nothing that could be a path or a URL', () => {
    expect(isRunId(newRunId(new Date('2026-11-27T21:52:02.123Z')))).toBe(true);
    expect(isRunId('2026-11-27T21-52-02Z-3f9a')).toBe(true);
    for (const bad of ['../../../escaped', 'javascript:alert(9)', '2026-11-27T21-52-02Z-3f9a/..', '2026-11-27T21-52-02Z-3f9a\n', '2026-11-27T21-52-02Z-3F9A', '', 42, null]) {
      expect(isRunId(bad), JSON.stringify(bad)).toBe(false);
    }
  });
  it('are checked at every read: a results file naming another place is refused by its runId field', () => {
    const results = loadFixture('run-a.json');
    expect(() => validateResults({ ...results, runId: '../../../escaped' })).toThrow(/^not a valid results file: runId: must be a run id like 2026-11-27T21-52-02Z-3f9a$/);
    expect(validateResults(results).runId).toBe(results.runId);
  });
  it('are the only thing page names are made of', () => {
    const a = '2026-11-27T22-22-00Z-da34' as RunId;
    const b = '2026-11-27T22-22-36Z-f329' as RunId;
    expect(runPageName(a)).toBe('2026-11-27T22-22-00Z-da34.html');
    expect(comparePageName([a, b])).toBe('compare-2026-11-27T22-22-00Z-da34-vs-2026-11-27T22-22-36Z-f329.html');
    // A cast can smuggle a string past the type, not past the check.
    expect(() => runPageName('../../../escaped' as RunId)).toThrow('not a run id');
    expect(() => comparePageName([a, '../../../escaped' as RunId])).toThrow('not a run id');
  });
});

describe('the content security policy', () => {
  const assets: PageAssets = {
    chartJs: 'window.Chart = function () {}; // "</script>" inside',
    css: 'body {\r\n  color: #111;\r\n}\r\n',
    pageJs: { run: 'document.title = "run";', compare: 'document.title = "compare";', index: 'document.title = "index";', live: 'document.title = "live";', class: 'document.title = "class";' },
  };
  const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const directive = (html: string, name: string): string[] => {
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    return policy.split('; ').find((d) => d.startsWith(`${name} `))?.split(' ').slice(1) ?? [];
  };

  it.each(['run', 'compare', 'index'] as const)('lets run exactly the inline scripts of a %s page, by hash, and nothing inline else', (kind) => {
    const html = pageShell('title', kind, { x: '</script><script>alert(1)</script>' }, assets);
    expect(html).not.toContain('unsafe-inline');
    expect(html).toContain("default-src 'none'");
    // Every executable script element, as the browser will read its text: each has its hash, and no more hashes.
    const scripts = [...html.matchAll(/<script>([^]*?)<\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(kind === 'index' ? 1 : 2);
    expect(directive(html, 'script-src').sort()).toEqual(scripts.map(sha256).sort());
    // The style element's text, with its line ends as the HTML parser leaves them (CR LF becomes LF).
    const style = /<style>([^]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(style).toBe('body {\n  color: #111;\n}\n');
    expect(directive(html, 'style-src')).toEqual([sha256(style)]);
  });

  it.each([['run', "'none'"], ['compare', "'none'"], ['index', "'none'"], ['live', "'self'"]] as const)('a %s page may connect to %s (the live page to its own server, for /events)', (kind, connect) => {
    const html = pageShell('title', kind, {}, assets);
    expect(directive(html, 'connect-src')).toEqual([connect]);
    expect(directive(html, 'default-src')).toEqual(["'none'"]);
  });
});

describe('comparing open-loop runs', () => {
  it('sets each open case side by side by offered rate, with the ratios of achieved rate and corrected p99', () => {
    const a = loadFixture('open-run.json');
    const slower = { ...a, runId: newRunId(new Date('2026-11-28T07:00:00Z')), cases: a.cases.map((c) => (c.mode === 'open' && c.status === 'ok' ? { ...c, rps: c.rps / 2, latencyUs: { ...c.latencyUs, p99: c.latencyUs.p99 * 3 } } : c)) };
    const view = buildCompareView([{ label: 'A', results: a }, { label: 'B', results: slower }]);
    const io = view.workloads.find((w) => w.name === 'io');
    const open = a.cases.filter((c) => c.mode === 'open' && c.workload === 'io');
    expect(io?.openRows.length).toBe(open.length);
    for (const row of io?.openRows ?? []) {
      expect(row.rpsRatio[0]).toBeCloseTo(0.5, 1);
      expect(row.p99Ratio[0]).toBeCloseTo(3, 1);
      expect(a.options.rates).toContain(row.rate);
    }
    expect(view.warnings.some((w) => w.includes('open loop'))).toBe(true);
  });
});

describe('the class page’s memory relation (reports/classroom/class-run.ts)', () => {
  const spec = RELATIONS.find((r) => r.key === 'held');
  const held = loadFixture('ws-held-run.json');
  /** The fixture's held cases, the event loop's growth made as small as 200 connections of a few hundred bytes each. */
  const withEventLoop = (perConnection: number, connections: number): Results => ({
    ...held,
    cases: held.cases.map((c) => (c.status === 'ok' && c.model === 'event-loop' && c.held !== undefined && c.connections === 1 ? { ...c, held: { ...c.held, connections, opened: connections, rssPerConnectionBytes: perConnection } } : c)),
  });
  it('divides each model’s memory per held connection where its growth is measurable', () => {
    if (spec === undefined) throw new Error('no held relation');
    const value = memoryRelation(held, spec)?.value ?? 0;
    expect(value).toBeGreaterThan(100);
    // 200 connections of 300 bytes: 60 KB, within a server's memory noise: no dot rather than a ratio of noise.
    expect(memoryRelation(withEventLoop(300, 200), spec)).toBeNull();
    // The same cost over 2,000 connections (600 KB) stands out: the relation uses it.
    expect(memoryRelation(withEventLoop(300, 2000), spec)?.value).toBeGreaterThan(value);
  });
});
