/** The file I/O around the pure renderers: read results, write pages, refresh the index. */
import { placementTag } from './views/placement.js';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { readResultsFile } from '../results/file.js';
import type { Results } from '../results/schema.js';
import { isRunId, RUN_ID_EXAMPLE, type RunId } from '../results/run-id.js';
import { DEFAULT_RUNS_DIR, repoRoot } from '../lib/paths.js';
import { loadAssets } from './assets.js';
import { indexEntry, sortEntries, type IndexEntry } from './views/index-view.js';
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
  const path = outDir === undefined ? join(dirname(resultsPath), 'report.html') : join(outDir, runPageName(results.runId));
  const runsDir = dirname(dirname(resultsPath));
  const indexPath = indexPathFor(runsDir);
  const linked = outDir === undefined && (existsSync(indexPath) || resolve(runsDir) === resolve(DEFAULT_RUNS_DIR));
  const indexHref = linked ? hrefFrom(dirname(path), indexPath) : null;
  writeFileAtomically(path, renderRunPage(results, loadAssets(), indexHref));
  return { path, results };
}

/**
 * Page names are made from run ids only, and only from ids that have the run-id shape (no separator, no dot),
 * so that a results file cannot choose where its page goes. The schema already refuses other ids: this
 * second check keeps it so if a caller ever builds Results by hand.
 */
function checkedId(id: RunId): RunId {
  if (!isRunId(id)) throw new Error(`not a run id: ${JSON.stringify(id)}`);
  return id;
}

export function runPageName(id: RunId): string {
  return `${checkedId(id)}.html`;
}

export function comparePageName(ids: readonly RunId[]): string {
  return `compare-${ids.map(checkedId).join('-vs-')}`.slice(0, 195) + '.html';
}

/** A relative link that starts with ./ or ../, the only shape the pages follow (reports/pages/common.ts). */
function hrefFrom(fromDir: string, to: string): string {
  const path = relative(fromDir, to).split('\\').join('/');
  return path.startsWith('../') ? path : `./${path}`;
}

/**
 * Rebuilds the index of every run in a folder (<runsDir>/<id>/results.json). Only folders named by a run id,
 * holding the results of that very run, are listed, so that every link is ./<id>/report.html (or
 * ./runs/<id>/report.html) whatever the folder holds: a folder named `javascript:alert(9)` never becomes a link.
 * Other folders with a results file, and unreadable runs, are skipped and named.
 */
export function refreshIndex(runsDir: string): { path: string; skipped: string[] } {
  const indexPath = indexPathFor(runsDir);
  const entries: IndexEntry[] = [];
  const skipped: string[] = [];
  const dirs = existsSync(runsDir) ? readdirSync(runsDir, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
  for (const dir of dirs) {
    const resultsPath = join(runsDir, dir.name, 'results.json');
    if (!existsSync(resultsPath)) continue;
    try {
      if (!isRunId(dir.name)) throw new Error(`not a run folder: its name is not a run id like ${RUN_ID_EXAMPLE}`);
      const results = readResultsFile(resultsPath);
      if (results.runId !== dir.name) throw new Error(`holds the results of run ${results.runId}, not of ${dir.name}`);
      const page = join(runsDir, dir.name, 'report.html');
      if (!existsSync(page)) writeFileAtomically(page, renderRunPage(results, loadAssets(), hrefFrom(dirname(page), indexPath)));
      // The index sits in the runs folder or is reports/index.html: the link is ./<id>/… or ./runs/<id>/….
      entries.push(indexEntry(results, hrefFrom(dirname(indexPath), page)));
    } catch (error: unknown) {
      // Quoted when it is not a run id: a folder name may hold anything, a line break or a terminal escape.
      skipped.push(`${isRunId(dir.name) ? dir.name : JSON.stringify(dir.name)}: ${messageOf(error)}`);
    }
  }
  writeFileAtomically(indexPath, renderIndexPage(sortEntries(entries), loadAssets()));
  return { path: indexPath, skipped };
}

/** Writes a comparison page of two or more results files. */
export function writeComparison(resultsPaths: readonly string[], outDir: string = DEFAULT_COMPARE_DIR): string {
  // Runs of different targets (two laptops of a class) are told apart by the host they drove.
  const runs = resultsPaths.map((p, i) => {
    const results = readResultsFile(p);
    const tag = placementTag(results);
    return { label: `${String.fromCharCode(65 + (i % 26))}${tag === '' ? '' : ` (${tag})`}`, results };
  });
  const path = join(outDir, comparePageName(runs.map((r) => r.results.runId)));
  writeFileAtomically(path, renderComparePage(runs, loadAssets()));
  return path;
}
