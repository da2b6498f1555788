/**
 * A class on this machine: a hub, two benches sharing to it at once (alice and bob, small plans), the class page
 * in Chromium with both machines and a dot per machine on every relation, a prediction answered on the page, a
 * restart that keeps both runs; then the same page and a run report in French.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.js';
import { BENCH, labServers } from '../helpers/bench-cli.js';
import { browserDescribe, launch, outputPath } from '../helpers/browser.js';
import { classCommand, startHub, type RunningHub } from '../helpers/hub.js';
import { eventually } from '../helpers/wait.js';

const describe = browserDescribe();

function bench(args: readonly string[]): { child: ChildProcess; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [BENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANG: 'C' } });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { child, exit: new Promise((resolve) => child.once('exit', resolve)), output: () => output };
}

/**
 * Every relation the page draws needs these models, workloads and clients; two short trials each. A window of 1 s:
 * process-per-request pays a process start per request, and a 0.3 s window on a loaded CI machine once held none.
 */
const BOB = '<i>bob</i>';
const PLAN = ['--models', 'sequential,event-loop,worker-pool,cluster,process-per-request', '--workloads', 'io,cpu,hello', '--connections', '1,16,64', '--duration', '1', '--warmup', '0', '--trials', '2', '--max-trials', '2', '--threads', '2', '--processes', '2'];

describe('a class of two on one hub', () => {
  let hub: RunningHub;
  let browser: Browser;
  let data: string;
  const seenRunning = new Set<string>();

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), 'lab-class-'));
    hub = await startHub(data, ['--code', 'abc123']);
    browser = await launch();
    // bob's name carries markup: it must show as text everywhere.
    const outs = [{ name: 'alice', dir: 'alice' }, { name: BOB, dir: 'bob' }].map(({ name, dir }) => ({ name, out: mkdtempSync(join(tmpdir(), `lab-${dir}-`)) }));
    const runs = outs.map(({ name, out }) => bench([...PLAN, '--out', out, '--share', hub.url, '--name', name, '--code', 'abc123']));
    const poll = setInterval(() => {
      void fetch(new URL('api/live', hub.url))
        .then((r) => r.json())
        .then((list: { name: string }[]) => {
          for (const r of list) seenRunning.add(r.name);
        })
        .catch(() => undefined);
    }, 200);
    const exits = await Promise.all(runs.map((r) => r.exit));
    clearInterval(poll);
    expect(exits, runs.map((r) => r.output()).join('\n')).toEqual([0, 0]);
    for (const r of runs) expect(r.output()).toMatch(/shared: {2}http:\/\/127\.0\.0\.1:\d+\/ as (alice|<i>bob<\/i>) \(run \d+\)/);
  }, 600_000);

  afterAll(async () => {
    await browser.close();
    await hub.stop();
  });

  it('showed each running bench on the hub while it ran, and holds both runs after', async () => {
    expect([...seenRunning].sort()).toEqual([BOB, 'alice']);
    const runs = (await (await fetch(new URL('api/runs', hub.url), { headers: { 'x-class-code': 'abc123' } })).json()) as { name: string }[];
    expect(runs.map((r) => r.name).sort()).toEqual([BOB, 'alice']);
    expect(await eventually(() => labServers().length === 0, 5000)).toBe(true);
  });

  it('draws both machines and a dot per machine on every relation, theory beside them, with no console error', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(hub.url);
    await page.waitForSelector('[data-section="machines"] tr[data-machine]');
    expect(await page.$$eval('[data-section="machines"] tr[data-machine]', (rows) => rows.map((r) => r.getAttribute('data-machine')).sort())).toEqual([BOB, 'alice']);
    // The name with markup is text: no <i> element anywhere in the page, its characters shown as typed.
    expect(await page.$$eval('i', (is) => is.length)).toBe(0);
    expect(await page.textContent('[data-section="machines"]')).toContain(BOB);
    for (const relation of ['io', 'cpu', 'hello', 'start']) {
      const dots = await page.$$eval(`svg[data-relation="${relation}"] g.dot`, (gs) => gs.map((g) => ({ name: g.getAttribute('data-name'), value: Number(g.getAttribute('data-value')), circle: g.querySelector('circle') !== null })));
      expect(dots.map((d) => d.name).sort(), relation).toEqual([BOB, 'alice']);
      expect(dots.every((d) => d.circle && d.value > 0)).toBe(true);
    }
    // The relations the course teaches hold on both machines: waiting overlaps, a process per request costs.
    const values = async (relation: string): Promise<number[]> => page.$$eval(`svg[data-relation="${relation}"] g.dot`, (gs) => gs.map((g) => Number(g.getAttribute('data-value'))));
    for (const v of await values('io')) expect(v).toBeGreaterThan(3);
    for (const v of await values('start')) expect(v).toBeGreaterThan(3);
    expect(await page.$$eval('svg[data-relation] line.theory', (ls) => ls.length)).toBeGreaterThan(0);
    // The table downloads as CSV: a header, one line per case of both machines, the markup name as plain text.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-role="csv"]')]);
    const csv = readFileSync((await download.path()), 'utf8').trim().split('\n');
    expect(csv[0]).toContain('req/s per unit of speed');
    const rows = await page.$$eval('table.class-table tbody tr', (trs) => trs.length);
    expect(csv.length - 1).toBe(rows);
    expect(csv.some((line) => line.startsWith(`${BOB},io,16,event-loop,`))).toBe(true);
    // Sorting by req/s (column 5) puts the rows in order of their numbers.
    await page.click('details.class-table-fold summary');
    await page.click('th[data-column="4"]');
    const sorted = await page.$$eval('table.class-table tbody tr td:nth-child(5)', (tds) => tds.map((td) => Number(td.textContent.replace(/[^0-9.]/g, ''))));
    expect(sorted).toEqual([...sorted].sort((x, y) => x - y));
    await page.screenshot({ path: outputPath('class-page.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('takes a prediction on the page, and shows it beside the measurements', async () => {
    expect(classCommand(['--data', data, '--ask', 'io']).status).toBe(0);
    const page = await browser.newPage();
    await page.goto(hub.url);
    await page.fill('[data-question="1"] input[name="name"]', 'carol');
    await page.fill('[data-question="1"] input[name="value"]', '12');
    await page.fill('[data-question="1"] input[name="code"]', 'abc123');
    await page.click('[data-question="1"] button');
    await page.waitForFunction(() => (document.querySelector('[data-role="answer-status"]')?.textContent ?? '') !== '');
    expect(await page.textContent('[data-role="answer-status"]')).toContain('Thank you');
    await page.reload();
    expect(await page.$$eval('svg[data-relation="io"] g.answer', (gs) => gs.map((g) => g.getAttribute('data-value')))).toEqual(['12']);
    // A wrong code is refused on the page too.
    await page.fill('[data-question="1"] input[name="name"]', 'dave');
    await page.fill('[data-question="1"] input[name="value"]', '3');
    await page.fill('[data-question="1"] input[name="code"]', 'nope');
    await page.click('[data-question="1"] button');
    await page.waitForFunction(() => (document.querySelector('[data-role="answer-status"]')?.textContent ?? '') !== '');
    expect(await page.textContent('[data-role="answer-status"]')).toContain('X-Class-Code');
    await page.close();
  });

  it('keeps both runs across a restart of the hub', async () => {
    await hub.stop();
    hub = await startHub(data);
    const page = await browser.newPage();
    await page.goto(hub.url);
    expect(await page.$$eval('[data-section="machines"] tr[data-machine]', (rows) => rows.length)).toBe(2);
    await page.close();
  });

  it('--lang fr: the class page in French, numbers the French way', async () => {
    const out = join(data, 'classe.html');
    expect(classCommand(['--data', data, '--lang', 'fr', '--render', out]).status).toBe(0);
    const page = await browser.newPage();
    await page.goto(`file://${out}`);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    const headings = await page.$$eval('h2', (hs) => hs.map((h) => h.textContent));
    expect(headings).toEqual(expect.arrayContaining(['Les machines', 'Prédire d’abord', 'Les relations du cours, machine par machine']));
    // Parallel capacity: a decimal comma ("2,61"); single-thread speed: thousands apart by a (narrow) space ("5 312").
    const cells = await page.$$eval('[data-section="machines"] tr[data-machine]', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    for (const row of cells) {
      expect(row[4]).toMatch(/^\d+,\d+$|^\d+$/);
      expect(row[3]).toMatch(/^\d{1,3}[\s\u202f\u00a0]\d{3}$/);
    }
    await page.close();
  });

  it('--lang fr: a run report in French, numbers the French way', async () => {
    const [dir] = readdirSync(tmpdir()).filter((d) => d.startsWith('lab-alice-')).map((d) => join(tmpdir(), d));
    const run = readdirSync(dir ?? '').find((d) => existsSync(join(dir ?? '', d, 'results.json'))) ?? '';
    const out = mkdtempSync(join(tmpdir(), 'lab-fr-'));
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'reports', 'report-cli.js'), join(dir ?? '', run, 'results.json'), '--out', out, '--lang', 'fr'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [html] = readdirSync(out).filter((f) => f.endsWith('.html'));
    const page = await browser.newPage();
    await page.goto(`file://${join(out, html ?? '')}`);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    expect(await page.textContent('h1')).toContain('Laboratoire de concurrence — mesure du');
    expect(await page.textContent('body')).toContain('Ce que montre cette mesure');
    expect(await page.textContent('body')).toContain('Sommaire');
    // The story's sentences too: "À 16 clients sur `io`, `event-loop` a servi 15,4× les requêtes de `sequential` (95 % : …)".
    expect(await page.textContent('[data-section="glance"]')).toMatch(/À \d+ clients? sur \w+, .*(a servi [\d,]+× les requêtes de|ne diffèrent pas)/);
    // Throughputs of a thousand and more are grouped by a space, never a comma; decimals take a comma.
    const figures = await page.$$eval('td[data-field="rps"]', (tds) => tds.map((td) => td.textContent));
    expect(figures.length).toBeGreaterThan(0);
    expect(figures.some((f) => /\d[\s\u202f\u00a0]\d{3}/.test(f))).toBe(true);
    expect(figures.some((f) => /\d,\d{3}\b/.test(f))).toBe(false);
    await page.close();
  });
});

it('a bench whose hub is down still writes its run, says so in one line, and exits 0', async () => {
  const out = mkdtempSync(join(tmpdir(), 'lab-share-down-'));
  const r = bench(['--models', 'event-loop', '--workloads', 'hello', '--connections', '1', '--duration', '0.2', '--warmup', '0', '--trials', '1', '--max-trials', '1', '--out', out, '--share', 'http://127.0.0.1:9/', '--name', 'alice', '--code', 'abc123']);
  expect(await r.exit).toBe(0);
  const lines = r.output().split('\n').filter((l) => l.includes('--share'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('sharing failed');
  expect(readdirSync(out).some((d) => existsSync(join(out, d, 'results.json')))).toBe(true);
}, 120_000);
