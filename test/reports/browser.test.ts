/**
 * The pages in a real browser (Debian's Chromium through playwright-core): no console error, no network
 * request, every chart drawn with its intervals (whiskers checked pixel by pixel), the tables' numbers and
 * their ± and ≥ equal to the results file, marked trials, conclusions, contradictions and failed cases
 * visible, and markup in the data shown as text. Version-2 runs come from test/helpers/fixtures.ts (the built
 * fixture and any real run in test/fixtures/); version-1 files are read through the upgrade. Screenshots go
 * to test-output/ (git-ignored) for a human to look at.
 */
import type { Chart as ChartClass } from 'chart.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { axes } from '../../results/stats/aggregate.js';
import { splitWorkloadKey } from '../../results/workload-key.js';
import { buildRunView } from '../../reports/views/run/run-view.js';
import { sectionId } from '../../reports/views/anchors.js';
import { conclusions } from '../../results/stats/conclusions.js';
import { conclusionSentence } from '../../reports/text/conclusions.js';
import type { CaseResult, OkCase, Results } from '../../results/schema.js';
import { validateResults } from '../../results/schema.js';
import { supportsPercentile, type Interval } from '../../results/stats/stats.js';
import { loadAssets } from '../../reports/assets.js';
import { styleOf } from '../../reports/views/palette.js';
import { indexEntry, sortEntries } from '../../reports/views/index-view.js';
import { renderComparePage, renderIndexPage, renderRunPage } from '../../reports/render.js';
import { groupWarnings } from '../../reports/views/warnings.js';
import { speaker } from '../../lib/lang/sentences.js';
import { browserDescribe, expectChartsDrawn, launch, openWatched, outputPath, screensTall, unfold, writePage } from '../helpers/browser.js';
import { loadFixture, openRuns, v2Runs } from '../helpers/fixtures.js';
import { expectLatency, expectRps } from '../helpers/read-figures.js';
import { predictCases } from '../../results/theory/predict.js';
import { buildV2Results, CONTRADICTING, HOSTILE } from '../helpers/v2-fixture.js';

// Every suite below needs a browser: without one they are skipped with one line saying how to get one (and
// fail instead under LAB_REQUIRE_BROWSER=1, as in CI). With every suite skipped, the hooks below do not run.
const describe = browserDescribe();

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser.close();
});

/** Text as the page shows it: the backticks of names become <code> elements. */
const shown = (sentence: string): string => sentence.replaceAll('`', '');

type Field = 'rps' | 'p50' | 'p99';
const CHART_TITLES: Readonly<Record<Field, string>> = { rps: 'Throughput (requests per second)', p50: 'Median latency (p50)', p99: 'Tail latency (p99)' };

/** The interval a chart should draw for a case: none for a latency that is only a lower bound. */
function intervalOf(c: CaseResult | undefined, field: Field): Interval | null {
  if (c?.status !== 'ok') return null;
  if (field === 'rps') return c.rpsInterval;
  if (c.littlesLaw.lowerBound) return null;
  // A p99 of fewer than 1,000 answers is shown as the max of n: neither point nor whisker.
  if (field === 'p99' && c.latencySample !== undefined && !supportsPercentile(c.latencySample, 99)) return null;
  return field === 'p50' ? c.p50Interval : c.p99Interval;
}

/** Per dataset (a model with a case in the workload, in the run's order) and per clients level: the expected interval. */
function expectedIntervals(results: Results, workload: string, field: Field): { colours: string[]; intervals: (Interval | null)[][] } {
  const { models, connections } = axes(results);
  const series = models.filter((m) => results.cases.some((c) => c.model === m && c.workload === workload));
  return {
    colours: series.map((m) => styleOf(m, models.indexOf(m)).color),
    intervals: series.map((m) => connections.map((n) => intervalOf(results.cases.find((c) => c.model === m && c.workload === workload && c.connections === n), field))),
  };
}

interface WhiskerCheck {
  readonly drawn: number;
  /** Largest distance in pixels between a whisker's ends and where the chart's own scale puts the interval. */
  readonly offBy: number;
  /** Share of each tall whisker's pixels that carry its model's colour (lowest of all). */
  readonly inked: number;
  readonly tall: number;
  readonly arrows: number;
}

/** Reads what the interval plugin says it drew, checks it against the chart's scale, and looks at the pixels. */
function checkWhiskers(page: Page, selector: string, expected: { colours: string[]; intervals: (Interval | null)[][] }): Promise<WhiskerCheck> {
  return page.evaluate(
    ([sel, want]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(sel);
      if (canvas === null) throw new Error(`no canvas ${sel}`);
      const chart = (window as unknown as { Chart: typeof ChartClass }).Chart.getChart(canvas);
      const y = chart?.scales.y;
      if (chart === undefined || y === undefined) throw new Error(`no chart on ${sel}`);
      const drawn = JSON.parse(canvas.getAttribute('data-intervals') ?? '[]') as { dataset: number; index: number; x: number; yLow: number; yHigh: number }[];
      const ctx = canvas.getContext('2d');
      if (ctx === null) throw new Error('no 2d context');
      const ratio = window.devicePixelRatio;
      let offBy = 0;
      let inked = 1;
      let tall = 0;
      for (const d of drawn) {
        const interval = want.intervals[d.dataset]?.[d.index];
        if (interval === null || interval === undefined) return { drawn: -1, offBy: Infinity, inked: 0, tall: 0, arrows: 0 };
        offBy = Math.max(offBy, Math.abs(y.getPixelForValue(interval.low) - d.yLow), Math.abs(y.getPixelForValue(interval.high) - d.yHigh));
        if (d.yLow - d.yHigh < 10) continue;
        tall++;
        const hex = want.colours[d.dataset] ?? '#000000';
        const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        const column = ctx.getImageData(Math.round(d.x * ratio), Math.round((d.yHigh + 4) * ratio), 1, Math.round((d.yLow - d.yHigh - 8) * ratio)).data;
        let hits = 0;
        for (let i = 0; i < column.length; i += 4) {
          if ([0, 1, 2].every((k) => Math.abs((column[i + k] ?? 0) - (rgb[k] ?? 0)) <= 10)) hits++;
        }
        inked = Math.min(inked, hits / (column.length / 4));
      }
      return { drawn: drawn.length, offBy, inked, tall, arrows: Number(canvas.getAttribute('data-lower-bounds')) };
    },
    [selector, expected] as const,
  );
}

/** The numbers table of a run page: per row, each field's exact value and its text. */
async function numbersRows(page: Page): Promise<{ workload: string; model: string; connections: number; values: Record<string, string>; texts: Record<string, string>; className: string }[]> {
  return page.$$eval('section[data-workload] table.numbers:not(.trials-table) tbody tr', (trs) =>
    trs.map((tr) => {
      const cells = [...tr.querySelectorAll('td[data-field]')];
      return {
        workload: tr.closest('section')?.getAttribute('data-workload') ?? '',
        model: tr.getAttribute('data-model') ?? '',
        connections: Number(tr.getAttribute('data-connections')),
        values: Object.fromEntries(cells.map((td) => [td.getAttribute('data-field') ?? '', td.getAttribute('data-value') ?? ''])),
        texts: Object.fromEntries(cells.map((td) => [td.getAttribute('data-field') ?? '', td.textContent])),
        className: tr.getAttribute('class') ?? '',
      };
    }),
  );
}

for (const { name, results } of v2Runs()) {
  describe(`a run page of version 2 (${name})`, () => {
    const file = (suffix: string): string => writePage(`run-${name}${suffix}.html`, renderRunPage(results, loadAssets()));
    // The workloads with a section: those the options asked for (a held level `ws-echo+hold200` with its workload), not
    // the bench's own 1-client measure of `hello` for the predictions.
    const workloads = axes(results).workloads.filter((w) => results.cases.some((c) => c.workload === w) && (results.options.workloads.includes(splitWorkloadKey(w).base) || results.cases.some((c) => c.workload === w && c.connections > 1)));
    const shownCases = results.cases.filter((c) => workloads.includes(c.workload));
    // The Connections section's charts (WebSocket): memory per held connection, latency against held connections.
    const view = buildRunView(results);
    const connections = view.connections;
    const connectionCharts = connections === null ? 0 : connections.memory.length + connections.latency.length + (connections.chat === null ? 0 : 1);
    // A workload whose trials kept timelines draws one more chart: the timeline of a trial.
    const timelineCharts = view.workloads.filter((w) => w.timelines.length > 0).length;

    it('opens folded on a few screens that tell the story; unfolded, every chart is drawn with its data', async () => {
      const { page, consoleErrors, requests } = await openWatched(browser, file(''));
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: outputPath(`run-${name}-folded.png`), fullPage: true });
      // Folded, the page is the story (a sentence and a small chart per workload), the warnings that matter, the
      // contents and a line per section: at most 5 screens of 1280 × 900.
      expect(await screensTall(page)).toBeLessThanOrEqual(5);
      expect(await page.$$('[data-section=glance] .story-card')).toHaveLength(workloads.length);
      await expectChartsDrawn(page, workloads.length, true);
      const toc = await page.$$eval('nav.contents a', (as) => as.map((a) => a.getAttribute('href')));
      const ids = await page.$$eval('main > section[id]', (ss) => ss.map((sec) => `#${sec.id}`));
      expect(toc).toEqual(ids); // every section is reached from the contents, in order
      await unfold(page);
      await page.screenshot({ path: outputPath(`run-${name}.png`), fullPage: true });
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);
      // The story's small charts, then 7 per workload (and its timeline), and the machine's probes.
      await expectChartsDrawn(page, workloads.length * 8 + timelineCharts + (results.probes.length > 0 ? 1 : 0) + connectionCharts);
      await page.close();
    });

    it('a link of the contents opens its folded section', async () => {
      const { page } = await openWatched(browser, file('-nav'));
      const workload = workloads[workloads.length - 1] ?? '';
      const section = page.locator(`section[data-workload="${workload}"] > details`);
      expect(await section.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      await page.click(`nav.contents a[href="#${sectionId('closed', workload)}"]`);
      expect(await section.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      expect(await page.locator(`section[data-workload="${workload}"] canvas[aria-label="${CHART_TITLES.rps}"]`).isVisible()).toBe(true);
      await page.close();
    });

    it('draws the 95 % interval of every point as a whisker, where the scale puts it, in the model’s colour; and an arrow up on every "≥"', async () => {
      const { page } = await openWatched(browser, file('-intervals'));
      await unfold(page);
      let tall = 0;
      for (const workload of workloads) {
        for (const field of ['rps', 'p50', 'p99'] as const) {
          const expected = expectedIntervals(results, workload, field);
          const check = await checkWhiskers(page, `section[data-workload="${workload}"] canvas[aria-label="${CHART_TITLES[field]}"]`, expected);
          const label = `${workload} ${field}`;
          expect(check.drawn, label).toBe(expected.intervals.flat().filter((i) => i !== null).length);
          expect(check.offBy, label).toBeLessThan(0.5);
          expect(check.inked, label).toBeGreaterThan(0.8);
          tall += check.tall;
          const lower = results.cases.filter((c) => c.workload === workload && c.status === 'ok' && c.littlesLaw.lowerBound).length;
          expect(check.arrows, label).toBe(field === 'rps' ? 0 : lower);
        }
      }
      if (name === 'built') expect(tall).toBeGreaterThan(10); // whiskers tall enough to look at their pixels
      await page.close();
    });

    it('shows the numbers of the results file in its tables, with their ± and ≥', async () => {
      const { page } = await openWatched(browser, file('-numbers'));
      const rows = await numbersRows(page);
      expect(rows.length).toBe(shownCases.length);
      for (const c of shownCases) {
        const row = rows.find((r) => r.workload === c.workload && r.model === c.model && r.connections === c.connections);
        expect(row, `${c.model} ${c.workload} ${c.connections}`).toBeDefined();
        expect(Number(row?.values.trials)).toBe(c.trials.length);
        if (c.status === 'failed') {
          expect(row?.texts.status).toContain(c.error);
          expect(row?.values.rps).toBe('');
          expect(row?.className).toContain('failed');
          continue;
        }
        const ok: OkCase = c;
        const lower = ok.littlesLaw.lowerBound;
        // Read back as a reader reads it (not through the page's own formatters): the figure, its ±, its ≥.
        const where = `${c.model} ${c.workload} ${c.connections}`;
        expect(Number(row?.values.rps)).toBe(ok.rps);
        expectRps(row?.texts.rps ?? '', ok.rps, ok.rpsInterval, `${where} rps`);
        expect(Number(row?.values.p50)).toBe(ok.latencyUs.p50);
        expectLatency(row?.texts.p50 ?? '', ok.latencyUs.p50, ok.p50Interval, lower, `${where} p50`);
        // A p99 of fewer than 1,000 answers is the largest few of them: shown as the max of n, as the p99.9 below.
        if (ok.latencySample !== undefined && ok.latencySample < 1000) {
          expect(row?.values.p99).toBe('');
          expect(row?.texts.p99).toMatch(/max .+ of [\d,]+$/);
        } else {
          expect(Number(row?.values.p99)).toBe(ok.latencyUs.p99);
          expectLatency(row?.texts.p99 ?? '', ok.latencyUs.p99, ok.p99Interval, lower, `${where} p99`);
        }
        // A p99.9 of fewer than 10,000 answers is shown as the max of n (no value of its own in the table).
        if (ok.latencySample !== undefined && ok.latencySample < 10_000) {
          expect(row?.values.p999).toBe('');
          expect(row?.texts.p999).toMatch(/max .+ of [\d,]+$/);
        } else {
          expect(Number(row?.values.p999)).toBe(ok.latencyUs.p999);
          expect(row?.texts.p999?.startsWith('≥ ')).toBe(lower);
        }
        expect(Number(row?.values.serverCpuPercent)).toBe(ok.serverCpuPercent);
        expect(Number(row?.values.serverRssPeakBytes)).toBe(ok.serverRssPeakBytes);
        expect(Number(row?.values.servedBy)).toBe(ok.servedBy);
        if (ok.rpsInterval !== null) expect(row?.texts.rps).toMatch(/ ±[\d.]+%$/);
      }
      // Where a latency is "≥", the workload says why, in the case's own words.
      for (const c of results.cases.filter((x) => x.status === 'ok' && x.littlesLaw.lowerBound)) {
        const box = (await page.textContent(`section[data-workload="${c.workload}"] [data-section=lower-bounds]`)) ?? '';
        for (const w of c.warnings.filter((x) => x.code === 'littles-law' || x.code === 'censored')) expect(box).toContain(w.message);
      }
      await page.close();
    });

    it('shows every trial, the marked ones visibly marked, with their reasons and their retry', async () => {
      const { page } = await openWatched(browser, file('-trials'));
      // A reader opens each workload's section: the trials table is open where a trial is marked.
      for (const workload of workloads) await page.click(`section[data-workload="${workload}"] > details > summary`);
      for (const workload of workloads) {
        const trials = results.cases.filter((c) => c.workload === workload).reduce((n, c) => n + c.trials.length, 0);
        expect(await page.$$(`section[data-workload="${workload}"] table.trials-table tbody tr`)).toHaveLength(trials);
      }
      for (const c of results.cases) {
        for (const [i, t] of c.trials.entries()) {
          if (t.marked.length === 0) continue;
          const row = page.locator(`section[data-workload="${c.workload}"] table.trials-table tr[data-model="${c.model}"][data-connections="${c.connections}"][data-trial="${i + 1}"]`);
          expect(await row.getAttribute('class')).toContain('marked');
          expect(await row.isVisible()).toBe(true); // the table is open where a trial is marked
          const text = (await row.textContent()) ?? '';
          for (const reason of t.marked) expect(text).toContain(reason);
          const retry = c.trials.findIndex((x) => x.retryOf === i);
          if (retry >= 0) {
            expect(text).toContain(`retried as #${retry + 1}`);
            const retryRow = page.locator(`section[data-workload="${c.workload}"] table.trials-table tr[data-model="${c.model}"][data-connections="${c.connections}"][data-trial="${retry + 1}"]`);
            expect(await retryRow.textContent()).toContain(`retry of #${i + 1}`);
          }
          const background = await row.evaluate((tr) => getComputedStyle(tr.querySelector('td') ?? tr).backgroundColor);
          expect(background).not.toBe('rgba(0, 0, 0, 0)');
        }
      }
      await page.close();
    });

    it('states the conclusions of each workload, the headlines, warnings grouped by code, and the machine', async () => {
      const { page } = await openWatched(browser, file('-text'));
      const all = conclusions(results);
      for (const workload of workloads) {
        const box = (await page.textContent(`section[data-workload="${workload}"] [data-section=conclusions]`)) ?? '';
        for (const c of all.filter((x) => x.workload === workload)) expect(box).toContain(shown(conclusionSentence(c)));
        const verdicts = await page.$$eval(`section[data-workload="${workload}"] [data-section=conclusions] li[data-verdict]`, (lis) => lis.map((li) => li.getAttribute('data-verdict')));
        expect(verdicts.sort()).toEqual(all.filter((x) => x.workload === workload).map((c) => c.comparison.verdict).sort());
      }
      const glance = (await page.textContent('[data-section=glance]')) ?? '';
      expect(glance).toMatch(/(served [\d.]+× the (requests|messages|deliveries) of|do not differ measurably)/);
      const sentences = await page.$$eval('[data-section=glance] .story-sentence', (ps) => ps.map((p) => p.textContent));
      expect(sentences).toHaveLength(workloads.length);
      const codes = await page.$$eval('[data-section=warnings] li[data-code]', (lis) => lis.map((li) => li.getAttribute('data-code')));
      expect(codes).toEqual(groupWarnings(results).map((g) => g.code));
      // One line per kind, with its count; the cases behind it unfold.
      for (const g of groupWarnings(results).filter((x) => x.cases.length > 0)) {
        expect(await page.textContent(`[data-section=warnings] li[data-code="${g.code}"] summary`)).toBe(`${g.title} (${g.cases.length} case${g.cases.length === 1 ? '' : 's'})`);
      }
      // The first screen names at most three of them, the weightiest first.
      const top = await page.$$eval('[data-section=top-warnings] li[data-code]', (lis) => lis.map((li) => li.getAttribute('data-code')));
      expect(top.length).toBeLessThanOrEqual(3);
      if (results.cases.some((c) => c.status === 'failed')) expect(top[0]).toBe('failed-cases');
      const warnings = (await page.textContent('[data-section=warnings]')) ?? '';
      // Each warning as the page says it: a stored sentence in the words of this version of the lab.
      const say = speaker(results.sentences);
      for (const w of [...results.warnings, ...results.cases.flatMap((c) => c.warnings)]) expect(warnings).toContain(say(w.message));
      const failedCases = results.cases.flatMap((c) => (c.status === 'failed' ? [c] : []));
      expect(await page.$$('[data-section=failed]')).toHaveLength(failedCases.length > 0 ? 1 : 0);
      const failedBox = failedCases.length > 0 ? ((await page.textContent('[data-section=failed]')) ?? '') : '';
      for (const c of failedCases) expect(failedBox).toContain(c.error);
      const body = (await page.textContent('body')) ?? '';
      for (const m of results.models) expect(body).toContain(m.paragraph.replaceAll('`', ''));
      const dropped = await page.$$eval('[data-section=machine] tr.dropped', (trs) => trs.map((tr) => tr.getAttribute('data-before')));
      const start = (results.probes.find((p) => p.before === 'start') ?? results.probes[0])?.capacity ?? 0;
      // Flagged as the bench judged it (a drop against the best probe before, confirmed at once); a file without that
      // verdict, as its bench did: a capacity below 80 % of the start's.
      expect(dropped).toEqual(results.probes.filter((p) => (p.drift === undefined ? p.capacity < 0.8 * start : p.drift.length > 0 && p.confirmed !== false)).map((p) => p.before));
      await page.close();
    });
  });
}

describe('the built version-2 page', () => {
  const results = buildV2Results();

  it('shows markup and script in the data as plain text, never runs it', async () => {
    const evil = '<img src=x onerror="alert(3)"><script>alert(4)</script>';
    const hostile: Results = validateResults({
      ...results,
      machine: { ...results.machine, cpuModel: `</script><script>alert(5)</script>${evil}` },
      cases: results.cases.map((c) => (c.status === 'failed' ? { ...c, error: evil } : { ...c, trials: c.trials.map((t) => (t.marked.length > 0 ? { ...t, marked: [evil] } : t)) })),
      warnings: [...results.warnings, { code: 'machine', message: evil }],
      workloads: results.workloads.map((w) => ({ ...w, description: evil })),
      probes: results.probes.map((p, i) => (i === 1 ? { ...p, before: evil } : p)),
    });
    const file = writePage('hostile.html', renderRunPage(hostile, loadAssets()));
    const { page, dialogs, consoleErrors, requests } = await openWatched(browser, file);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(await page.$$('img')).toHaveLength(0);
    expect(await page.$$('b')).toHaveLength(0);
    expect(await page.$$('script:not([type])')).toHaveLength(2); // chart.js and the page's own
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain(evil);
    expect(body).toContain(`${HOSTILE} & <b>bold</b>`); // the built fixture's model paragraph and warning
    expect(body).toContain('</script><script>alert(5)</script>');
    await page.close();
  });

  it('prints: every folded table opens, and the page is laid out for paper', async () => {
    const file = writePage('run-print.html', renderRunPage(results, loadAssets()));
    const { page, consoleErrors } = await openWatched(browser, file);
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    expect(await page.$$eval('details', (ds) => ds.every((d) => d.open))).toBe(true);
    await page.screenshot({ path: outputPath('run-print.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

describe('a run page of a version-1 file (upgraded)', () => {
  const results = loadFixture('run-a.json');

  it('opens clean, says it was upgraded, shows its numbers and failed case', async () => {
    const file = writePage('run-v1.html', renderRunPage(results, loadAssets()));
    const { page, consoleErrors, requests } = await openWatched(browser, file);
    await page.screenshot({ path: outputPath('run-v1.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    const workloads = new Set(results.cases.map((c) => c.workload)).size;
    await unfold(page);
    // The story's and each workload's (no distribution in a version-1 file), and no probes chart.
    await expectChartsDrawn(page, workloads * 7);
    expect(await page.textContent('[data-section=warnings] li[data-code=upgraded]')).toContain('Read from an older results file');
    expect(await page.textContent('[data-section=machine]')).toContain('no probes');
    const rows = await numbersRows(page);
    expect(rows.length).toBe(results.cases.length);
    for (const c of results.cases) {
      const row = rows.find((r) => r.workload === c.workload && r.model === c.model && r.connections === c.connections);
      if (c.status === 'failed') expect(row?.texts.status).toContain(c.error);
      else expectRps(row?.texts.rps ?? '', c.rps, null); // one repeat: no ±
    }
    await page.close();
  });
});

describe('the index page', () => {
  it('lists version-1 and version-2 runs with links, opens clean and offline', async () => {
    const runs = [loadFixture('run-a.json'), loadFixture('run-b.json'), buildV2Results()];
    const entries = runs.map((r) => indexEntry(r, `./runs/${r.runId}/report.html`));
    const file = writePage('index.html', renderIndexPage(sortEntries(entries), loadAssets()));
    const { page, consoleErrors, requests } = await openWatched(browser, file);
    await page.screenshot({ path: outputPath('index.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    const links = await page.$$eval('a', (as) => as.map((a) => a.textContent));
    expect(links).toEqual([runs[2]?.runId, runs[1]?.runId, runs[0]?.runId]);
    const text = (await page.textContent('table')) ?? '';
    expect(text).toContain('3–5 interleaved trials of 2 s');
    expect(text).toContain('1 repeat of 0.5 s, not interleaved (version 1)');
    expect(text).toContain('1 trial marked');
    await page.close();
  });
});

describe('a comparison page', () => {
  const a = buildV2Results();
  const b = buildV2Results(CONTRADICTING);

  it('sets runs side by side with their intervals and ratios, overlays the charts with whiskers, and opens clean', async () => {
    const file = writePage('compare.html', renderComparePage([{ label: 'A', results: a }, { label: 'B', results: b }], loadAssets()));
    const { page, consoleErrors, requests } = await openWatched(browser, file);
    await page.screenshot({ path: outputPath('compare.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    await unfold(page);
    await expectChartsDrawn(page, 3 + 2 * 3); // the story's small charts, then two per workload
    const whiskers = await page.$$eval('figure:not(.mini) canvas', (cs) => cs.map((c) => (JSON.parse(c.getAttribute('data-intervals') ?? '[]') as unknown[]).length));
    expect(whiskers).toHaveLength(2 * 3);
    expect(whiskers.every((n) => n > 0)).toBe(true);
    for (const c of a.cases) {
      const other = b.cases.find((x) => x.model === c.model && x.workload === c.workload && x.connections === c.connections);
      if (c.status !== 'ok' || other?.status !== 'ok') continue;
      const selector = `section[data-workload="${c.workload}"] tr[data-model="${c.model}"][data-connections="${c.connections}"]`;
      const values = await page.$$eval(`${selector} td[data-field]`, (tds) => tds.map((td) => [td.getAttribute('data-field'), td.getAttribute('data-value'), td.textContent]));
      expect(values.filter((v) => v[0] === 'rps').map((v) => Number(v[1]))).toEqual([c.rps, other.rps]);
      const texts = (field: string): string[] => values.filter((v) => v[0] === field).map((v) => v[2] ?? '');
      expect(texts('rps')).toHaveLength(2);
      expectRps(texts('rps')[0] ?? '', c.rps, c.rpsInterval);
      expectRps(texts('rps')[1] ?? '', other.rps, other.rpsInterval);
      expectLatency(texts('p99')[0] ?? '', c.latencyUs.p99, c.p99Interval, c.littlesLaw.lowerBound);
      expectLatency(texts('p99')[1] ?? '', other.latencyUs.p99, other.p99Interval, other.littlesLaw.lowerBound);
      expect(values.find((v) => v[0] === 'rpsRatio')?.[2]).toBe(`${(Math.round((other.rps / c.rps) * 100) / 100).toFixed(2)}×`);
    }
    await page.close();
  });

  it('lists every conclusion the runs contradict, the opposite ones first and as contradictions, the unconfirmed apart', async () => {
    const file = writePage('compare-contradictions.html', renderComparePage([{ label: 'A', results: a }, { label: 'B', results: b }], loadAssets()));
    const { page } = await openWatched(browser, file);
    const section = page.locator('[data-section=contradictions]');
    await section.screenshot({ path: outputPath('compare-contradictions.png') });
    const kinds = await page.$$eval('[data-section=contradictions] > [data-kind]', (boxes) => boxes.map((b) => b.getAttribute('data-kind')));
    expect(kinds).toEqual(['opposite', 'unconfirmed']);
    const opposite = page.locator('[data-kind=opposite]');
    expect(await opposite.locator('h3').textContent()).toBe('Contradictions (1): one run says faster, another slower');
    const item = opposite.locator('li[data-kind=opposite]');
    expect(await item.count()).toBe(1);
    expect(await item.getAttribute('data-workload')).toBe('hello');
    expect(await item.getAttribute('data-connections')).toBe('64');
    const text = (await item.textContent()) ?? '';
    expect(text).toMatch(/Run A: on hello at 64 clients, event-loop served [\d.]+× the requests of sequential/);
    expect(text).toMatch(/Run B: on hello at 64 clients, sequential served [\d.]+× the requests of event-loop/);
    const unconfirmed = await page.$$eval('[data-kind=unconfirmed] li[data-kind=unconfirmed]', (lis) => lis.map((li) => `${li.getAttribute('data-workload') ?? ''} ${li.getAttribute('data-connections') ?? ''}`));
    expect(unconfirmed).toContain('cpu 64');
    expect(await page.textContent('[data-kind=unconfirmed] h3')).toMatch(/^Not confirmed \(\d+\)/);
    await page.close();
  });

  it('compares a version-2 run with an upgraded version-1 run, and says that the older had no interleaved trials', async () => {
    const v1 = loadFixture('run-b.json');
    const file = writePage('compare-v1.html', renderComparePage([{ label: 'A', results: a }, { label: 'B', results: v1 }], loadAssets()));
    const { page, consoleErrors } = await openWatched(browser, file);
    await page.screenshot({ path: outputPath('compare-v1.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(await page.textContent('[data-section=warnings]')).toContain('Run B was read from a version-1 results file: it had no interleaved trials');
    expect(await page.$$('[data-section=contradictions] li[data-kind]')).toHaveLength(0);
    expect(Number(await page.getAttribute('[data-unchecked]', 'data-unchecked'))).toBeGreaterThan(0);
    await page.close();
  });

  it('warns clearly when the machines or Node.js versions differ', async () => {
    const other = validateResults({ ...b, machine: { ...b.machine, cpuModel: 'Laptop CPU 9000', node: 'v22.1.0' } });
    const file = writePage('compare-machines.html', renderComparePage([{ label: 'A', results: a }, { label: 'B', results: other }], loadAssets()));
    const { page } = await openWatched(browser, file);
    const warnings = (await page.textContent('[data-section=warnings]')) ?? '';
    expect(warnings).toContain('different machines');
    expect(warnings).toContain('different Node.js versions');
    await page.close();
  });
});

/** The labels of the datasets a chart drew, from chart.js itself. */
function chartLabels(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const canvas = document.querySelector<HTMLCanvasElement>(sel);
    if (canvas === null) throw new Error(`no canvas ${sel}`);
    const chart = (window as unknown as { Chart: typeof ChartClass }).Chart.getChart(canvas);
    return (chart?.data.datasets ?? []).map((d) => d.label ?? '');
  }, selector);
}

describe('theory beside measurement on a closed-loop page', () => {
  // As the bench leaves it: every ok case with its prediction.
  const base = buildV2Results();
  const predictions = predictCases(base);
  const results: Results = { ...base, cases: base.cases.map((c) => { const p = predictions.get(c); return p === undefined || c.status !== 'ok' ? c : { ...c, predicted: { rps: p.rps, meanLatencyUs: p.meanLatencyUs } }; }) };
  const file = (): string => writePage('run-theory.html', renderRunPage(results, loadAssets()));

  it('draws a dashed theory line per model and its knee on throughput, theory on the latency charts, and each case’s error in the table', async () => {
    expect(predictions.size).toBeGreaterThan(5);
    const { page, consoleErrors } = await openWatched(browser, file());
    await unfold(page);
    expect(consoleErrors).toEqual([]);
    const workload = 'io';
    const modelsWithDemands = [...new Set([...predictions.keys()].filter((c) => c.workload === workload).map((c) => c.model))];
    const throughput = await chartLabels(page, `section[data-workload="${workload}"] canvas[aria-label="${CHART_TITLES.rps}"]`);
    for (const m of modelsWithDemands) {
      expect(throughput).toContain(`${m} · theory`);
      expect(throughput).toContain(`${m} · knee`);
    }
    const mean = await chartLabels(page, `section[data-workload="${workload}"] canvas[aria-label="Mean latency, measured and predicted"]`);
    for (const m of modelsWithDemands) expect(mean).toContain(`${m} · theory`);
    // The legend lists the measured lines only.
    const legend = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('section[data-workload="io"] canvas');
      const chart = canvas === null ? undefined : (window as unknown as { Chart: typeof ChartClass }).Chart.getChart(canvas);
      return (chart?.legend?.legendItems ?? []).map((i) => i.text);
    });
    expect(legend.some((t) => t.endsWith('theory') || t.endsWith('knee'))).toBe(false);
    const rows = await numbersRows(page);
    for (const [c, p] of predictions) {
      const row = rows.find((r) => r.workload === c.workload && r.model === c.model && r.connections === c.connections);
      expect(Number(row?.values.theory)).toBeCloseTo(p.rps, 6);
      if (c.status === 'ok' && c.connections > 1) expect(row?.texts.theoryError).toMatch(/^([+−][1-9]\d*|0)%$/);
    }
    const block = (await page.textContent(`section[data-workload="${workload}"] [data-section=theory]`)) ?? '';
    expect(block).toContain('Predict, then measure');
    expect(block).toMatch(/knee N\* ≈/);
    await page.screenshot({ path: outputPath('run-theory.png'), fullPage: true });
    await page.close();
  });
});

for (const { name, results } of openRuns()) {
  describe(`an open-loop run page (${name})`, () => {
    const file = (): string => writePage(`open-${name}.html`, renderRunPage(results, loadAssets()));
    const open = results.cases.filter((c) => c.mode === 'open');

    it('opens clean and offline, draws the hockey stick, achieved against offered, corrected against uncorrected, with theory', async () => {
      const { page, consoleErrors, requests } = await openWatched(browser, file());
      await page.setViewportSize({ width: 1280, height: 900 });
      expect(await screensTall(page)).toBeLessThanOrEqual(5);
      await unfold(page);
      await page.screenshot({ path: outputPath(`open-${name}.png`), fullPage: true });
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);
      const sections = await page.$$eval('section[data-mode=open]', (s) => s.map((x) => x.getAttribute('data-workload')));
      expect(sections).toEqual(results.options.workloads);
      await expectChartsDrawn(page);
      const hockey = await chartLabels(page, 'section[data-mode=open] canvas[aria-label="Latency against offered rate (the hockey stick)"]');
      // Theory where the run has the 1-client demands it stands on (a chat run's theory is in its Connections section).
      const predicted = new Set(buildRunView(results).open.flatMap((w) => w.theory.map((t) => t.model)));
      for (const m of new Set(open.map((c) => c.model))) if (predicted.has(m) || results.cases.some((c) => c.mode === 'closed' && c.model === m)) expect(hockey).toContain(`${m} · theory`);
      const p99 = await chartLabels(page, 'section[data-mode=open] canvas[aria-label="Tail latency (p99): corrected and uncorrected"]');
      for (const m of new Set(open.map((c) => c.model))) expect(p99).toContain(`${m} · uncorrected`);
      await page.close();
    });

    it('sets two open runs over each other on the comparison page: achieved and p99 against offered rate, a line per model and run', async () => {
      const compare = writePage(`compare-open-${name}.html`, renderComparePage([{ label: 'A', results }, { label: 'B', results }], loadAssets()));
      const { page, consoleErrors, requests } = await openWatched(browser, compare);
      await unfold(page);
      await page.locator('[data-charts=open]').first().screenshot({ path: outputPath(`compare-open-${name}.png`) });
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);
      const models = [...new Set(open.map((c) => c.model))];
      for (const title of ['Open loop: achieved against offered', 'Open loop: p99 against offered rate']) {
        const labels = await chartLabels(page, `[data-charts=open] canvas[aria-label="${title}"]`);
        expect(labels.sort()).toEqual(models.flatMap((m) => [`${m} · A`, `${m} · B`]).sort());
      }
      await expectChartsDrawn(page);
      await page.close();
    });

    it('shows each open case’s numbers as the file has them: achieved rate, corrected and uncorrected p99, late and dropped sends', async () => {
      const { page } = await openWatched(browser, file());
      const rows = await page.$$eval('section[data-mode=open] table.numbers.open tbody tr', (trs) =>
        trs.map((tr) => ({
          model: tr.getAttribute('data-model') ?? '',
          rate: Number(tr.getAttribute('data-rate')),
          values: Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map((td) => [td.getAttribute('data-field') ?? '', td.getAttribute('data-value') ?? ''])),
        })),
      );
      expect(rows.length).toBe(open.length);
      for (const c of open) {
        const row = rows.find((r) => r.model === c.model && r.rate === c.targetRate);
        expect(row, `${c.model} ${c.targetRate}`).toBeDefined();
        if (c.status !== 'ok') continue;
        expect(Number(row?.values.rps)).toBe(c.rps);
        expect(Number(row?.values.p99)).toBe(c.latencyUs.p99);
        expect(Number(row?.values.uncorrectedP99)).toBe(c.uncorrectedLatencyUs?.p99);
        expect(Number(row?.values.late)).toBe(c.late);
      }
      const demands = await page.$$eval('section[data-mode=open] table.demands tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-model')));
      // The demands measured at 1 client, where the run has them (the chat's open loop has none).
      expect(demands.length > 0).toBe(results.cases.some((c) => c.mode === 'closed'));
      await page.close();
    });
  });
}
