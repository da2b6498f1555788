/**
 * A class on this machine: a hub; alice runs the README's student command exactly as written (the class profile,
 * under 3 minutes) and gets a dot on every relation of the class page; bob shares a small plan after her and gets one
 * dot, and the page says which option fills his others. In Chromium: both machines, a prediction answered on the page,
 * a name that is taken, a restart that keeps both runs; then the same page and a run report in French.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe as plainDescribe, expect, it } from 'vitest';
import { sqliteSkipReason } from '../helpers/sqlite.js';
import { repoRoot } from '../../lib/paths.js';
import { BENCH, labServers } from '../helpers/bench-cli.js';
import { browserDescribe, launch, outputPath } from '../helpers/browser.js';
import { classCommand, startHub, type RunningHub } from '../helpers/hub.js';
import { eventually } from '../helpers/wait.js';

// The hub needs better-sqlite3, an optional dependency: skipped with a line where it did not install.
const describe = sqliteSkipReason() === null ? browserDescribe() : plainDescribe.skip;

function bench(args: readonly string[]): { child: ChildProcess; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [BENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANG: 'C' } });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { child, exit: new Promise((resolve) => child.once('exit', resolve)), output: () => output };
}

/** bob's name carries markup (it must show as text everywhere); his plan draws one relation only. */
const BOB = '<i>bob</i>';
const BOB_PLAN = ['--models', 'sequential,event-loop', '--workloads', 'io', '--connections', '16', '--duration', '0.5', '--warmup', '0', '--trials', '2', '--max-trials', '2'];

/** The README's "A student" command, as written, with this hub's address, a name and its code. */
function studentCommand(url: string, name: string, code: string): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = /A student[^\n]*\n\n```sh\n(npm run bench -- [^\n]+)\n```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('no student command in the README');
  const args = block.replace(/^npm run bench -- /, '').split(/\s+/);
  return args.map((a, i) => (args[i - 1] === '--share' ? url : args[i - 1] === '--name' ? name : args[i - 1] === '--code' ? code : a));
}

describe('a class of two on one hub', () => {
  let hub: RunningHub;
  let browser: Browser;
  let data: string;
  const seenRunning = new Set<string>();
  let aliceSeconds = 0;

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), 'lab-class-'));
    hub = await startHub(data, ['--code', 'abc123']);
    browser = await launch();
    const poll = setInterval(() => {
      void fetch(new URL('api/live', hub.url), { headers: { 'x-class-code': 'abc123' } })
        .then((r) => r.json())
        .then((list: { name: string }[]) => {
          for (const r of list) seenRunning.add(r.name);
        })
        .catch(() => undefined);
    }, 200);
    // One at a time: on 2 cores, two benches at once would each measure the other.
    const t0 = performance.now();
    const alice = bench([...studentCommand(hub.url, 'alice', 'abc123'), '--out', mkdtempSync(join(tmpdir(), 'lab-alice-'))]);
    expect(await alice.exit, alice.output()).toBe(0);
    aliceSeconds = (performance.now() - t0) / 1000;
    const bob = bench([...BOB_PLAN, '--out', mkdtempSync(join(tmpdir(), 'lab-bob-')), '--share', hub.url, '--name', BOB, '--code', 'abc123']);
    expect(await bob.exit, bob.output()).toBe(0);
    clearInterval(poll);
    for (const r of [alice, bob]) expect(r.output()).toMatch(/shared: {2}http:\/\/127\.0\.0\.1:\d+\/ as (alice|<i>bob<\/i>) \(run \d+\)/);
  }, 600_000);

  afterAll(async () => {
    await browser.close();
    await hub.stop();
  });

  it('the README\'s student command took under 3 minutes', () => {
    expect(aliceSeconds).toBeGreaterThan(10);
    expect(aliceSeconds).toBeLessThan(180);
  });

  it('showed each running bench on the hub while it ran, and holds both runs after', async () => {
    expect([...seenRunning].sort()).toEqual([BOB, 'alice']);
    const runs = (await (await fetch(new URL('api/runs', hub.url), { headers: { 'x-class-code': 'abc123' } })).json()) as { name: string }[];
    expect(runs.map((r) => r.name).sort()).toEqual([BOB, 'alice']);
    expect(await eventually(() => labServers().length === 0, 5000)).toBe(true);
  });

  it('draws both machines; alice has a dot on every relation, theory beside them; bob one, and the page says what fills the rest', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${hub.url}?code=abc123`);
    await page.waitForSelector('[data-section="machines"] tr[data-machine]');
    expect(await page.$$eval('[data-section="machines"] tr[data-machine]', (rows) => rows.map((r) => r.getAttribute('data-machine')).sort())).toEqual([BOB, 'alice']);
    // The name with markup is text: no <i> element anywhere in the page, its characters shown as typed.
    expect(await page.$$eval('i', (is) => is.length)).toBe(0);
    expect(await page.textContent('[data-section="machines"]')).toContain(BOB);
    for (const relation of ['io', 'cpu', 'hello', 'start', 'held']) {
      const dots = await page.$$eval(`svg[data-relation="${relation}"] g.dot`, (gs) => gs.map((g) => ({ name: g.getAttribute('data-name'), value: Number(g.getAttribute('data-value')), circle: g.querySelector('circle') !== null })));
      expect(dots.map((d) => d.name).sort(), relation).toEqual(relation === 'io' ? [BOB, 'alice'] : ['alice']);
      expect(dots.every((d) => d.circle && d.value > 0)).toBe(true);
      if (relation !== 'io') expect(await page.textContent(`[data-relation="${relation}"] [data-role="missing"]`)).toContain(`${BOB}: no dot`);
    }
    expect(await page.textContent('[data-relation="start"] [data-role="missing"]')).toContain('--profile class');
    // The relations the course teaches hold: waiting overlaps, a process per request costs, a thread per connection weighs.
    const values = async (relation: string): Promise<number[]> => page.$$eval(`svg[data-relation="${relation}"] g.dot`, (gs) => gs.map((g) => Number(g.getAttribute('data-value'))));
    for (const v of await values('io')) expect(v).toBeGreaterThan(3);
    for (const v of await values('start')) expect(v).toBeGreaterThan(3);
    for (const v of await values('held')) expect(v).toBeGreaterThan(10);
    expect(await page.$$eval('svg[data-relation] line.theory', (ls) => ls.length)).toBeGreaterThan(0);
    // The table downloads as CSV: a header, one line per case of both machines, the markup name as plain text.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-role="csv"]')]);
    const csv = readFileSync((await download.path()), 'utf8').trim().split('\n');
    expect(csv[0]).toContain('req/s per unit of speed');
    expect(csv[0]).toContain('req/s at best speed');
    const rows = await page.$$eval('table.class-table tbody tr', (trs) => trs.length);
    expect(csv.length - 1).toBe(rows);
    expect(csv.some((line) => line.startsWith(`${BOB},io,16,event-loop,`))).toBe(true);
    // Per unit of a core's speed only where the work computes: never for io, whose requests wait.
    expect(csv.filter((line) => line.includes(',io,')).every((line) => line.split(',')[9] === '')).toBe(true);
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
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${hub.url}?code=abc123`);
    await page.fill('[data-question="1"] input[name="name"]', 'carol');
    await page.fill('[data-question="1"] input[name="value"]', '12');
    await page.click('[data-question="1"] button');
    await page.waitForFunction(() => (document.querySelector('[data-role="answer-status"]')?.textContent ?? '') !== '');
    // carol's name is hers now: the page says so, with the token her bench would need.
    expect(await page.textContent('[data-role="answer-status"]')).toMatch(/Thank you.*--token [\w-]+/);
    await page.reload();
    expect(await page.$$eval('svg[data-relation="io"] g.answer', (gs) => gs.map((g) => g.getAttribute('data-value')))).toEqual(['12']);
    // alice's name is her bench's: another browser answering as alice is refused, and told why.
    await page.fill('[data-question="1"] input[name="name"]', 'alice');
    await page.fill('[data-question="1"] input[name="value"]', '3');
    await page.click('[data-question="1"] button');
    await page.waitForFunction(() => (document.querySelector('[data-role="answer-status"]')?.textContent ?? '').includes('taken'));
    await context.close();
  });

  it('keeps both runs across a restart of the hub', async () => {
    await hub.stop();
    hub = await startHub(data);
    const page = await browser.newPage();
    await page.goto(`${hub.url}?code=abc123`);
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

it('a bench whose hub never answers gives up within seconds, says so in one line, and exits 0', async () => {
  const { createServer } = await import('node:http');
  const silent = createServer(() => undefined); // takes the request, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  try {
    const out = mkdtempSync(join(tmpdir(), 'lab-share-slow-'));
    const r = bench(['--models', 'event-loop', '--workloads', 'hello', '--connections', '1', '--duration', '0.2', '--warmup', '0', '--trials', '1', '--max-trials', '1', '--out', out, '--share', `http://127.0.0.1:${port}/`, '--name', 'alice', '--code', 'abc123']);
    const t0 = performance.now();
    let resultsAt = 0;
    r.child.stdout?.on('data', (d: Buffer) => {
      if (resultsAt === 0 && d.toString().includes('results: ')) resultsAt = performance.now();
    });
    expect(await r.exit).toBe(0);
    const lines = r.output().split('\n').filter((l) => l.includes('--share'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('did not answer within 8 s');
    expect((performance.now() - (resultsAt || t0)) / 1000).toBeLessThan(15);
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
}, 120_000);

it('a bench whose hub is down still writes its run, says so in one line, and exits 0', async () => {
  const out = mkdtempSync(join(tmpdir(), 'lab-share-down-'));
  const r = bench(['--models', 'event-loop', '--workloads', 'hello', '--connections', '1', '--duration', '0.2', '--warmup', '0', '--trials', '1', '--max-trials', '1', '--out', out, '--share', 'http://127.0.0.1:9/', '--name', 'alice', '--code', 'abc123']);
  expect(await r.exit).toBe(0);
  const lines = r.output().split('\n').filter((l) => l.includes('--share'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('sharing failed');
  expect(readdirSync(out).some((d) => existsSync(join(out, d, 'results.json')))).toBe(true);
}, 120_000);
