/**
 * The earlier runs of this run's plan on this machine, from the results folder the lab keeps (<outDir>/<run id>/
 * results.json): the newest few are enough to say how far runs land apart here, and reading every run a folder ever
 * kept would slow the end of a run for nothing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readResultsFile } from '../../results/file.js';
import { isRunId } from '../../results/run-id.js';
import type { Results } from '../../results/schema.js';
import { earlierRunsOfPlan } from '../../results/stats/run-history.js';

/** The newest run folders read, and the earlier runs of the plan kept from them. */
const READ_AT_MOST = 25;
const KEEP_AT_MOST = 10;

export function earlierRuns(outDir: string, results: Results): Results[] {
  if (!existsSync(outDir)) return [];
  // Run ids start with the date and time they started: the newest sort last.
  const ids = readdirSync(outDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && isRunId(d.name) && d.name !== results.runId)
    .map((d) => d.name)
    .sort()
    .reverse()
    .slice(0, READ_AT_MOST);
  const read: Results[] = [];
  for (const id of ids) {
    const path = join(outDir, id, 'results.json');
    if (!existsSync(path)) continue;
    try {
      read.push(readResultsFile(path));
    } catch {
      // An unreadable or foreign file is not an earlier run of this plan.
    }
  }
  return earlierRunsOfPlan(results, read).slice(-KEEP_AT_MOST);
}
