/**
 * The pages in a real browser (Debian's Chromium through playwright-core): no console error, no network
 * request, every chart drawn, the tables' numbers equal to the results file, failed cases visible, and
 * markup in the data shown as text. Screenshots go to test-output/ (git-ignored) for a human to look at.
 */
import { writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OkCase, Results } from '../results/schema.js';
import { validateResults } from '../results/schema.js';
import { loadAssets } from '../reports/assets.js';
import { styleOf } from '../reports/palette.js';
import { indexEntry, sortEntries } from '../reports/index-view.js';
import { renderComparePage, renderIndexPage, renderRunPage } from '../reports/render.js';
import { browserDescribe, canvasInk, launch, openWatched, outputPath } from './helpers/browser.js';
import { loadFixture } from './helpers/fixtures.js';

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

function writePage(name: string, html: string): string {
  const path = outputPath(name);
  writeFileSync(path, html);
  return path;
}

describe('a run page', () => {
  const results = loadFixture('run-a.json');

  it('opens clean, offline, with every chart drawn', async () => {
    const file = writePage('run-a.html', renderRunPage(results, loadAssets()));
    const { page, consoleErrors, requests } = await openWatched(browser, file);
    await page.screenshot({ path: outputPath('run-a.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    const workloads = new Set(results.cases.map((c) => c.workload)).size;
    const ink = await canvasInk(page, styleOf('event-loop').color);
    expect(ink.length).toBe(workloads * 6);
    for (const chart of ink) expect(chart.drawn, chart.label).toBeGreaterThan(1000);
    // The event-loop's colour is on every chart that has a line per model.
    for (const chart of ink.filter((c) => !c.label.startsWith('Peak memory'))) expect(chart.coloured, chart.label).toBeGreaterThan(20);
    await page.close();
  });

  it('shows the numbers of the results file in its tables', async () => {
    const file = writePage('run-a-numbers.html', renderRunPage(results, loadAssets()));
    const { page } = await openWatched(browser, file);
    const rows = await page.$$eval('section[data-workload] table.numbers tbody tr', (trs) =>
      trs.map((tr) => ({
        workload: tr.closest('section')?.getAttribute('data-workload') ?? '',
        model: tr.getAttribute('data-model') ?? '',
        connections: Number(tr.getAttribute('data-connections')),
        values: Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map((td) => [td.getAttribute('data-field') ?? '', td.getAttribute('data-value') ?? ''])),
        status: tr.querySelector('td[data-field=status]')?.textContent ?? '',
      })),
    );
    expect(rows.length).toBe(results.cases.length); // one repeat: one row per case, failed ones included
    for (const c of results.cases) {
      const row = rows.find((r) => r.workload === c.workload && r.model === c.model && r.connections === c.connections);
      expect(row, `${c.model} ${c.workload} ${c.connections}`).toBeDefined();
      if (c.status === 'failed') {
        expect(row?.status).toContain(c.error);
        expect(row?.values.rps).toBe('');
        continue;
      }
      const ok: OkCase = c;
      expect(Number(row?.values.rps)).toBe(ok.rps);
      expect(Number(row?.values.p50)).toBe(ok.latencyUs.p50);
      expect(Number(row?.values.p99)).toBe(ok.latencyUs.p99);
      expect(Number(row?.values.p999)).toBe(ok.latencyUs.p999);
      expect(Number(row?.values.serverCpuPercent)).toBe(ok.serverCpuPercent);
      expect(Number(row?.values.serverRssPeakBytes)).toBe(ok.serverRssPeakBytes);
      expect(Number(row?.values.servedBy)).toBe(ok.servedBy);
    }
    await page.close();
  });

  it('states failed cases and warnings plainly, and every model paragraph', async () => {
    const file = writePage('run-a-text.html', renderRunPage(results, loadAssets()));
    const { page } = await openWatched(browser, file);
    const failedBox = await page.textContent('[data-section=failed]');
    for (const c of results.cases) if (c.status === 'failed') expect(failedBox).toContain(c.error);
    const warnings = await page.textContent('[data-section=warnings]');
    for (const w of results.warnings) expect(warnings).toContain(w);
    const body = (await page.textContent('body')) ?? '';
    for (const m of results.models) expect(body).toContain(m.paragraph.replaceAll('`', ''));
    expect(body).toContain(results.machine.cpuModel);
    const glance = (await page.textContent('[data-section=glance]')) ?? '';
    expect(glance).toMatch(/answered [\d.]+× more requests than/);
    await page.close();
  });

  it('shows markup and script in the data as plain text, never runs it', async () => {
    const evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    const hostile: Results = validateResults({
      ...results,
      machine: { ...results.machine, cpuModel: `</script><script>alert(3)</script>${evil}` },
      models: results.models.map((m) => (m.name === 'event-loop' ? { ...m, paragraph: `${evil} & <b>bold</b>` } : m)),
      cases: results.cases.map((c) => (c.status === 'failed' ? { ...c, error: evil } : c)),
      warnings: [...results.warnings, evil],
      workloads: results.workloads.map((w) => ({ ...w, description: evil })),
    });
    const file = writePage('hostile.html', renderRunPage(hostile, loadAssets()));
    const { page, dialogs, consoleErrors, requests } = await openWatched(browser, file);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(await page.$$('img')).toHaveLength(0);
    expect(await page.$$('b')).toHaveLength(0);
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain(evil);
    expect(body).toContain('</script><script>alert(3)</script>');
    await page.close();
  });
});

describe('the index page', () => {
  it('lists runs with links, opens clean and offline', async () => {
    const entries = ['run-a.json', 'run-b.json'].map((name) => indexEntry(loadFixture(name), `./runs/${loadFixture(name).runId}/report.html`));
    const file = writePage('index.html', renderIndexPage(sortEntries(entries), loadAssets()));
    const { page, consoleErrors, requests } = await openWatched(browser, file);
    await page.screenshot({ path: outputPath('index.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    const links = await page.$$eval('a', (as) => as.map((a) => a.textContent));
    expect(links).toEqual([loadFixture('run-b.json').runId, loadFixture('run-a.json').runId]);
    await page.close();
  });
});

describe('a comparison page', () => {
  const a = loadFixture('run-a.json');
  const b = loadFixture('run-b.json');

  it('sets runs side by side with ratios, overlays the charts, and opens clean', async () => {
    const file = writePage('compare.html', renderComparePage([{ label: 'A', results: a }, { label: 'B', results: b }], loadAssets()));
    const { page, consoleErrors, requests } = await openWatched(browser, file);
    await page.screenshot({ path: outputPath('compare.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    const ink = await canvasInk(page, styleOf('event-loop').color);
    expect(ink.length).toBeGreaterThan(0);
    for (const chart of ink) {
      expect(chart.drawn, chart.label).toBeGreaterThan(1000);
      expect(chart.coloured, chart.label).toBeGreaterThan(20);
    }
    const okA = a.cases.find((c): c is OkCase => c.status === 'ok' && c.model === 'event-loop');
    const okB = b.cases.find((c): c is OkCase => c.status === 'ok' && c.model === okA?.model && c.workload === okA.workload && c.connections === okA.connections);
    expect(okA).toBeDefined();
    expect(okB).toBeDefined();
    const selector = `section[data-workload="${okA?.workload ?? ''}"] tr[data-model="event-loop"][data-connections="${okA?.connections ?? 0}"]`;
    const values = await page.$$eval(`${selector} td[data-field]`, (tds) => tds.map((td) => [td.getAttribute('data-field'), td.getAttribute('data-value'), td.textContent]));
    expect(values.filter((v) => v[0] === 'rps').map((v) => Number(v[1]))).toEqual([okA?.rps, okB?.rps]);
    const ratio = values.find((v) => v[0] === 'rpsRatio')?.[2];
    expect(ratio).toBe(`${(Math.round(((okB?.rps ?? 0) / (okA?.rps ?? 1)) * 100) / 100).toFixed(2)}×`);
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
