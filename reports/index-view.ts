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
  /** Link to the run's page, relative to the index. */
  readonly href: string;
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
