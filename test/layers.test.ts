/**
 * The house's arrows run one way: servers ← bench → results ← reports, and everyone → lib; inside, the rooms lean
 * one way too (eslint.config.js says how). The lint rule refuses a wrong import line; this test follows every
 * import from the entry points, so that a report never loads server code, piscina or node:cluster, the load
 * drivers never load the run, and the application never loads a model, even through a chain of modules.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/paths.js';

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

/** The specifiers a source file imports (static, re-exports and dynamic imports of a literal). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '').filter((s) => s !== '');
}

/** Every module reached from an entry: repository files (as paths from the root) and packages by name. */
function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [resolve(repoRoot, entry)];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    const key = relative(repoRoot, file);
    if (files.has(key)) continue;
    files.add(key);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(repoRoot, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(folder, name));
}

describe('one-way layers', () => {
  it.each(['reports/report-cli.ts', 'reports/compare-cli.ts'])('%s loads no server or bench code, nor piscina or node:cluster', (entry) => {
    const { files, packages } = reachable(entry);
    expect(files.size).toBeGreaterThan(5); // the walk really followed the imports
    expect([...files].filter((f) => /^(servers|bench|scripts)\//.test(f))).toEqual([]);
    expect([...packages].filter((p) => ['piscina', 'node:cluster', 'autocannon', 'undici'].includes(p))).toEqual([]);
  });

  it('the bench never loads better-sqlite3 (an optional dependency of the hub alone), nor does a report', () => {
    for (const entry of ['scripts/bench.ts', 'reports/report-cli.ts', 'reports/compare-cli.ts', 'servers/serve.ts']) {
      const { files, packages } = reachable(entry);
      expect(files.size, entry).toBeGreaterThan(5);
      expect([...packages].filter((p) => p.startsWith('better-sqlite3')), entry).toEqual([]);
    }
    // The hub does, and only by a dynamic import when it opens its store (the walk follows those too).
    expect([...reachable('hub/class-cli.ts').packages]).toContain('better-sqlite3');
  });

  it('no file of bench/ imports from reports/ or scripts/', () => {
    const offenders = sourcesUnder('bench').filter((file) => importsOf(join(repoRoot, file)).some((s) => /(^|\/)(reports|scripts)\//.test(s)));
    expect(offenders).toEqual([]);
  });

  it('results/ and lib/ import neither servers nor bench nor reports', () => {
    const offenders = [...sourcesUnder('results'), ...sourcesUnder('lib')].filter((file) =>
      importsOf(join(repoRoot, file)).some((s) => /(^|\/)(servers|bench|reports|scripts)\//.test(s)),
    );
    expect(offenders).toEqual([]);
  });

  it.each(sourcesUnder('bench/load'))('%s, a load driver, reaches no other room of the bench and no page', (entry) => {
    const { files } = reachable(entry);
    expect([...files].filter((f) => /^(bench\/(run|plan|live|network|machine)|reports|scripts)\//.test(f))).toEqual([]);
  });

  it.each(sourcesUnder('bench/machine'))('%s, a machine probe, reaches no other room of the bench', (entry) => {
    const { files } = reachable(entry);
    expect([...files].filter((f) => /^(bench\/(run|plan|live|network|load)|reports|scripts)\//.test(f))).toEqual([]);
  });

  it.each(sourcesUnder('servers/app'))('%s, the application, reaches nothing of the models or the launcher', (entry) => {
    const { files } = reachable(entry);
    expect([...files].filter((f) => !/^(servers\/app|lib)\//.test(f))).toEqual([]);
  });

  it('results/stats reaches no theory; reports/text no view or page', () => {
    const stats = sourcesUnder('results/stats').flatMap((f) => [...reachable(f).files]);
    expect(stats.filter((f) => f.startsWith('results/theory/'))).toEqual([]);
    const text = sourcesUnder('reports/text').flatMap((f) => [...reachable(f).files]);
    expect(text.filter((f) => /^reports\/(views|pages)\//.test(f))).toEqual([]);
  });

  it('the class hub loads no server or bench code, and nothing outside it loads the hub', () => {
    const { files, packages } = reachable('hub/class-cli.ts');
    expect(files.has('hub/store.ts')).toBe(true);
    expect([...files].filter((f) => /^(servers|bench|scripts)\//.test(f))).toEqual([]);
    expect([...packages].filter((p) => ['piscina', 'node:cluster', 'autocannon', 'undici'].includes(p))).toEqual([]);
    const outside = ['lib', 'servers', 'bench', 'results', 'reports', 'scripts'].flatMap(sourcesUnder).filter((file) => importsOf(join(repoRoot, file)).some((s) => /(^|\/)hub\//.test(s)));
    expect(outside).toEqual([]);
  });

  it('no folder of the source holds more than 15 files', () => {
    const crowded: string[] = [];
    const walk = (folder: string): void => {
      const entries = readdirSync(join(repoRoot, folder), { withFileTypes: true });
      const files = entries.filter((e) => e.isFile() && /\.(ts|mjs|css)$/.test(e.name));
      if (files.length > 15) crowded.push(`${folder} (${files.length})`);
      for (const e of entries) if (e.isDirectory() && !['data', 'public', 'fixtures'].includes(e.name)) walk(join(folder, e.name));
    };
    for (const top of ['lib', 'servers', 'bench', 'results', 'reports', 'scripts', 'hub', 'test']) walk(top);
    expect(crowded).toEqual([]);
  });

  it('the walk sees a forbidden chain when there is one (the check can fail)', () => {
    // scripts/bench.ts ties a run to its report, so it reaches both sides: the walk must see that.
    const { files } = reachable('scripts/bench.ts');
    expect([...files].some((f) => f.startsWith('servers/'))).toBe(true);
    expect([...files].some((f) => f.startsWith('reports/'))).toBe(true);
  });
});
