import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/paths.js';
import { fixturePath, loadFixture } from './helpers/fixtures.js';
import { refreshIndex } from '../reports/write.js';

const script = (name: string): string => join(repoRoot, 'dist', 'reports', `${name}-cli.js`);

function run(name: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [script(name), ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run report and npm run compare', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-reports-'));
  const invalid = join(dir, 'invalid.json');
  writeFileSync(invalid, JSON.stringify({ ...loadFixture('run-a.json'), schemaVersion: 99 }));
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, '{ half a file');

  it.each([
    ['report', [join(dir, 'missing.json')], 'no such file'],
    ['report', [notJson], 'is not JSON'],
    ['report', [invalid], 'not a valid results file: schemaVersion'],
    ['report', [], 'name a results file'],
    ['report', ['--bogus'], "unknown option '--bogus'"],
    ['compare', [fixturePath('run-a.json')], 'at least two'],
    ['compare', [fixturePath('run-a.json'), invalid], 'not a valid results file'],
  ])('%s %j: one line, status 2', (name, args, message) => {
    const result = run(name, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(message);
  });

  it('renders a page from a results file made elsewhere, and a comparison', () => {
    const out = join(dir, 'pages');
    const report = run('report', fixturePath('run-a.json'), '--out', out);
    expect(report.status).toBe(0);
    const page = join(out, `${loadFixture('run-a.json').runId}.html`);
    expect(readFileSync(page, 'utf8')).toContain('<script type="application/json" id="lab-data">');
    const compare = run('compare', fixturePath('run-a.json'), fixturePath('run-b.json'), '--out', out);
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
    mkdirSync(join(runs, 'broken'));
    writeFileSync(join(runs, 'broken', 'results.json'), '{}');
    const { path, skipped } = refreshIndex(runs);
    expect(path).toBe(join(runs, 'index.html'));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toContain('broken');
    const html = readFileSync(path, 'utf8');
    const a = loadFixture('run-a.json').runId;
    const b = loadFixture('run-b.json').runId;
    expect(html.indexOf(b)).toBeLessThan(html.indexOf(a)); // b is newer
    expect(existsSync(join(runs, a, 'report.html'))).toBe(true);
  });
});
