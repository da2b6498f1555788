/** The file I/O around the pure renderers: read results, write pages, refresh the index. */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { readResultsFile } from '../results/file.js';
import type { Results } from '../results/schema.js';
import { DEFAULT_RUNS_DIR, repoRoot } from '../lib/paths.js';
import { loadAssets } from './assets.js';
import { indexEntry, sortEntries, type IndexEntry } from './index-view.js';
import { renderComparePage, renderIndexPage, renderRunPage } from './render.js';
import { messageOf } from '../lib/errors.js';
import { writeFileAtomically } from '../lib/files.js';

export const DEFAULT_INDEX = join(repoRoot, 'reports', 'index.html');
export const DEFAULT_COMPARE_DIR = join(repoRoot, 'reports', 'out');

/** Where the index of a runs folder lives: reports/index.html for the default folder, else inside it. */
export function indexPathFor(runsDir: string): string {
  return resolve(runsDir) === resolve(DEFAULT_RUNS_DIR) ? DEFAULT_INDEX : join(runsDir, 'index.html');
}

/** Writes a run's page: next to its results.json, or as <run-id>.html in `outDir`. */
export function writeRunReport(resultsPath: string, outDir?: string): { path: string; results: Results } {
  const results = readResultsFile(resultsPath);
  const path = outDir === undefined ? join(dirname(resultsPath), 'report.html') : join(outDir, `${results.runId}.html`);
  const runsDir = dirname(dirname(resultsPath));
  const indexPath = indexPathFor(runsDir);
  const linked = outDir === undefined && (existsSync(indexPath) || resolve(runsDir) === resolve(DEFAULT_RUNS_DIR));
  const indexHref = linked ? hrefFrom(dirname(path), indexPath) : null;
  writeFileAtomically(path, renderRunPage(results, loadAssets(), indexHref));
  return { path, results };
}

/** A relative link that starts with ./ or ../, the only shape the pages follow (reports/pages/common.ts). */
function hrefFrom(fromDir: string, to: string): string {
  const path = relative(fromDir, to).split('\\').join('/');
  return path.startsWith('../') ? path : `./${path}`;
}

/** Rebuilds the index of every run in a folder (<runsDir>/<id>/results.json); unreadable runs are skipped and named. */
export function refreshIndex(runsDir: string): { path: string; skipped: string[] } {
  const indexPath = indexPathFor(runsDir);
  const entries: IndexEntry[] = [];
  const skipped: string[] = [];
  const dirs = existsSync(runsDir) ? readdirSync(runsDir, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
  for (const dir of dirs) {
    const resultsPath = join(runsDir, dir.name, 'results.json');
    if (!existsSync(resultsPath)) continue;
    try {
      const results = readResultsFile(resultsPath);
      const page = join(runsDir, dir.name, 'report.html');
      if (!existsSync(page)) writeFileAtomically(page, renderRunPage(results, loadAssets(), hrefFrom(dirname(page), indexPath)));
      entries.push(indexEntry(results, hrefFrom(dirname(indexPath), page)));
    } catch (error: unknown) {
      skipped.push(`${basename(dirname(resultsPath))}: ${messageOf(error)}`);
    }
  }
  writeFileAtomically(indexPath, renderIndexPage(sortEntries(entries), loadAssets()));
  return { path: indexPath, skipped };
}

/** Writes a comparison page of two or more results files. */
export function writeComparison(resultsPaths: readonly string[], outDir: string = DEFAULT_COMPARE_DIR): string {
  const runs = resultsPaths.map((p, i) => ({ label: String.fromCharCode(65 + (i % 26)), results: readResultsFile(p) }));
  const name = `compare-${runs.map((r) => r.results.runId).join('-vs-')}.html`.slice(0, 200);
  const path = join(outDir, name);
  writeFileAtomically(path, renderComparePage(runs, loadAssets()));
  return path;
}
