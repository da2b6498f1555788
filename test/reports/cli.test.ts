import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.js';
import { fixturePath, loadFixture } from '../helpers/fixtures.js';
import { buildV2Results } from '../helpers/v2-fixture.js';
import { refreshIndex } from '../../reports/write.js';
import type { IndexView } from '../../reports/views/index-view.js';

const script = (name: string): string => join(repoRoot, 'dist', 'reports', `${name}-cli.js`);

function run(name: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [script(name), ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run report and npm run compare', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-reports-'));
  const invalid = join(dir, 'invalid.json');
  writeFileSync(invalid, JSON.stringify({ ...buildV2Results(), schemaVersion: 99 }));
  const v2 = join(dir, 'v2.json');
  writeFileSync(v2, JSON.stringify(buildV2Results()));
  const badV2 = join(dir, 'bad-v2.json');
  writeFileSync(badV2, JSON.stringify({ ...buildV2Results(), options: { ...buildV2Results().options, trials: 0 } }));
  const v1 = JSON.parse(readFileSync(fixturePath('run-a.json'), 'utf8')) as { machine: object };
  const badV1 = join(dir, 'bad-v1.json');
  writeFileSync(badV1, JSON.stringify({ ...v1, machine: { ...v1.machine, cpus: 'two' } }));
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, '{ half a file');

  it.each([
    ['report', [join(dir, 'missing.json')], 'no such file'],
    ['report', [notJson], 'is not JSON'],
    ['report', [invalid], 'not a results file this lab can read: schemaVersion is 99 (this lab reads 1 and 2)'],
    ['report', [badV2], 'not a valid results file: options.trials'],
    ['report', [badV1], 'not a valid results file (version 1): machine.cpus'],
    ['report', [], 'name a results file'],
    ['report', ['--bogus'], "unknown option '--bogus'"],
    ['compare', [fixturePath('run-a.json')], 'at least two'],
    ['compare', [fixturePath('run-a.json'), invalid], 'not a results file this lab can read'],
  ])('%s %j: one line, status 2', (name, args, message) => {
    const result = run(name, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(message);
  });

  it.each([
    ['version 2', v2, buildV2Results().runId],
    ['version 1', fixturePath('run-a.json'), loadFixture('run-a.json').runId],
  ])('renders a page from a results file of %s made elsewhere', (_, file, runId) => {
    const out = join(dir, 'pages');
    const report = run('report', file, '--out', out);
    expect(report.status).toBe(0);
    expect(readFileSync(join(out, `${runId}.html`), 'utf8')).toContain('<script type="application/json" id="lab-data">');
  });

  it('compares runs of version 1 and 2', () => {
    const out = join(dir, 'pages');
    const compare = run('compare', v2, fixturePath('run-a.json'), fixturePath('run-b.json'), '--out', out);
    expect(compare.status).toBe(0);
    expect(compare.stdout).toMatch(/comparison: .*compare-.*\.html/);
  });

  it('indexes every run of a folder, newest first, and names the ones it cannot read', () => {
    const runs = join(dir, 'runs');
    for (const name of ['run-a.json', 'run-b.json']) {
      const id = loadFixture(name).runId;
      mkdirSync(join(runs, id), { recursive: true });
      copyFileSync(fixturePath(name), join(runs, id, 'results.json'));
    }
    const newest = buildV2Results().runId;
    mkdirSync(join(runs, newest));
    copyFileSync(v2, join(runs, newest, 'results.json'));
    const broken = '2026-11-27T22-00-00Z-0bad';
    mkdirSync(join(runs, broken));
    writeFileSync(join(runs, broken, 'results.json'), '{}');
    const { path, skipped } = refreshIndex(runs);
    expect(path).toBe(join(runs, 'index.html'));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(new RegExp(`^${broken}: .*not a results file this lab can read: schemaVersion is missing`));
    const html = readFileSync(path, 'utf8');
    const a = loadFixture('run-a.json').runId;
    const b = loadFixture('run-b.json').runId;
    expect(html.indexOf(b)).toBeLessThan(html.indexOf(a)); // b is newer
    expect(existsSync(join(runs, a, 'report.html'))).toBe(true);
    expect(indexData(html).entries.map((e) => e.href)).toEqual([`./${newest}/report.html`, `./${b}/report.html`, `./${a}/report.html`]);
    expect(existsSync(join(runs, newest, 'report.html'))).toBe(true);
  });
});

/** The data an index page shows, as its script reads it. */
function indexData(html: string): IndexView {
  const json = /<script type="application\/json" id="lab-data">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null';
  return JSON.parse(json) as IndexView;
}

/** Every file under a folder, as paths from it: what a command wrote, wherever it wrote it. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((name) => relative(root, join(root, name))).sort();
}

describe('a results file does not choose where pages go (fault 3)', () => {
  // The hostile file sits three folders deep, so that "../../../" from --out still lands inside `root`.
  const root = mkdtempSync(join(tmpdir(), 'lab-escape-'));
  const deep = join(root, 'a', 'b', 'c');
  mkdirSync(deep, { recursive: true });
  const hostile = join(deep, 'hostile.json');
  writeFileSync(hostile, JSON.stringify({ ...buildV2Results(), runId: '../../../escaped' }));
  const hostileV1 = join(deep, 'hostile-v1.json');
  writeFileSync(hostileV1, JSON.stringify({ ...(JSON.parse(readFileSync(fixturePath('run-a.json'), 'utf8')) as object), runId: '../../../escaped' }));

  it.each([
    ['report', [hostile, '--out', join(deep, 'out')], `${hostile}: not a valid results file: runId: must be a run id`],
    ['report', [hostileV1, '--out', join(deep, 'out')], `${hostileV1}: not a valid results file (version 1): runId: must be a run id`],
    ['compare', [fixturePath('run-a.json'), hostile, '--out', join(deep, 'out')], `${hostile}: not a valid results file: runId: must be a run id`],
    ['compare', [hostile, fixturePath('run-b.json'), '--out', join(deep, 'out')], `${hostile}: not a valid results file: runId: must be a run id`],
  ])('%s %j: refused by its runId, one line, status 2, nothing written anywhere', (name, args, message) => {
    const before = filesUnder(root);
    const result = run(name, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(message);
    expect(filesUnder(root)).toEqual(before);
    expect(existsSync(join(root, 'escaped.html'))).toBe(false);
  });
});

describe('a folder name does not become a link (fault 4)', () => {
  it('lists only folders named by the run id they hold, with ./ links; names the others', () => {
    const runs = join(mkdtempSync(join(tmpdir(), 'lab-links-')), 'custom-out');
    const a = loadFixture('run-a.json').runId;
    const b = loadFixture('run-b.json').runId;
    const plant = (folder: string, fixture: string): void => {
      mkdirSync(join(runs, folder), { recursive: true });
      copyFileSync(fixturePath(fixture), join(runs, folder, 'results.json'));
    };
    plant(a, 'run-a.json');
    plant('javascript:alert(9)', 'run-a.json'); // a valid file, in a folder whose name is a URL
    plant('2026-01-01T00-00-00Z-0000', 'run-b.json'); // a run id, but not the one the file holds
    plant('notes\u001b[31m', 'run-b.json'); // a terminal escape in a folder name
    const { path, skipped } = refreshIndex(runs);

    expect(skipped.sort()).toEqual([
      `"javascript:alert(9)": not a run folder: its name is not a run id like 2026-11-27T21-52-02Z-3f9a`,
      `"notes\\u001b[31m": not a run folder: its name is not a run id like 2026-11-27T21-52-02Z-3f9a`,
      `2026-01-01T00-00-00Z-0000: holds the results of run ${b}, not of 2026-01-01T00-00-00Z-0000`,
    ]);
    const data = indexData(readFileSync(path, 'utf8'));
    expect(JSON.stringify(data)).not.toContain('javascript:');
    expect(data.entries.map((e) => e.href)).toEqual([`./${a}/report.html`]);
    expect(existsSync(join(runs, 'javascript:alert(9)', 'report.html'))).toBe(false);
  });
});
