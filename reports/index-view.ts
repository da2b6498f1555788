import type { Results } from '../results/schema.js';

export interface IndexEntry {
  readonly runId: string;
  readonly startedAt: string;
  readonly machine: string;
  readonly node: string;
  readonly profile: string;
  readonly cases: number;
  readonly failed: number;
  readonly complete: boolean;
  /** Link to the run's page, relative to the index and starting with ./ (built from a validated run id). */
  readonly href: string;
}

/** What the index page shows. */
export interface IndexView {
  readonly entries: readonly IndexEntry[];
}

export function indexEntry(results: Results, href: string): IndexEntry {
  return {
    runId: results.runId,
    startedAt: results.startedAt,
    machine: `${results.machine.cpuModel}, ${results.machine.cpus} cores`,
    node: results.machine.node,
    profile: results.options.profile,
    cases: results.cases.length,
    failed: results.cases.filter((c) => c.status === 'failed').length,
    complete: results.complete,
    href,
  };
}

/** Newest first. */
export function sortEntries(entries: readonly IndexEntry[]): IndexEntry[] {
  return [...entries].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}
