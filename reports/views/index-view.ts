import type { Results } from '../../results/schema.js';
import { transportText } from '../text/transport.js';
import { decimal, t, type Lang } from '../../lib/lang/lang.js';

export interface IndexEntry {
  readonly runId: string;
  readonly startedAt: string;
  readonly machine: string;
  readonly node: string;
  readonly profile: string;
  /** "3–5 interleaved trials of 2 s", or the repeats of a version-1 file. */
  readonly measured: string;
  readonly cases: number;
  /** Trials taken while the machine was busy or slower (marked and retried). */
  readonly marked: number;
  readonly failed: number;
  readonly complete: boolean;
  /** Link to the run's page, relative to the index and starting with ./ (built from a validated run id). */
  readonly href: string;
}

/** What the index page shows. */
export interface IndexView {
  readonly entries: readonly IndexEntry[];
  /** The language of the page's labels (absent in views of older builds: English). */
  readonly lang?: Lang;
}

export function indexEntry(results: Results, href: string): IndexEntry {
  return {
    runId: results.runId,
    startedAt: results.startedAt,
    machine: machineText(results),
    node: results.machine.node,
    profile: results.options.profile,
    measured: measuredText(results),
    cases: results.cases.length,
    marked: results.cases.reduce((n, c) => n + c.trials.filter((t) => t.marked.length > 0).length, 0),
    failed: results.cases.filter((c) => c.status === 'failed').length,
    complete: results.complete,
    href,
  };
}

/** "AMD EPYC, 2 cores": a run's machine as the index and the comparison name it. */
export function machineText(r: Results): string {
  return t('idx.machine', { cpu: r.machine.cpuModel, n: r.machine.cpus });
}

/** How a run measured its cases: "3–5 interleaved trials of 2 s", or "1 repeat of 0.5 s (version 1)". */
export function measuredText(r: Results): string {
  const o = r.options;
  const duration = decimal(String(o.durationSeconds));
  if (r.upgradedFrom !== undefined) return t(o.trials === 1 ? 'idx.measured.v1.one' : 'idx.measured.v1.many', { n: String(o.trials), duration, version: r.upgradedFrom });
  // How it spoke to the servers, where the file says: a TLS run must not be read against a plain one unawares.
  const transport = transportText(o);
  const loop = o.rates === undefined ? '' : t('idx.measured.open', { rates: o.rates.map((x) => decimal(String(x))).join(', ') });
  const trials = o.trials === o.maxTrials ? String(o.trials) : `${o.trials}–${o.maxTrials}`;
  return `${t(o.maxTrials === 1 ? 'idx.measured.one' : 'idx.measured.many', { n: trials, duration })}${loop}${transport === null ? '' : t('idx.measured.transport', { transport })}`;
}

/** Newest first. */
export function sortEntries(entries: readonly IndexEntry[]): IndexEntry[] {
  return [...entries].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}
