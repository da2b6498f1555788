/**
 * This machine's spread between runs, measured rather than assumed. The intervals of one run say where its figures
 * lie over the time it measured them; a later run meets the host in another state and lands elsewhere. The lab keeps
 * its runs: for each case, the earlier runs of the same plan on the same machine say how far apart runs land here.
 *
 * The figure compared is the throughput at the machine's best speed where every run has it (results/stats/machine-range.ts
 * `atBestSpeed`), else the raw throughput. The spread is descriptive: the largest distance of an earlier run's figure
 * from their geometric mean (±12 % means the farthest earlier run lay 12 % from their centre). With fewer than two
 * earlier runs there is no spread, and with fewer than three the page says how few stand behind it.
 */
import type { CaseHistory, OkCase, Results } from '../schema.js';
import { findOkCase } from '../find-case.js';

/** What makes two runs runs of the same plan: what was measured, how, and where. */
export function planKey(r: Results): string {
  const o = r.options;
  return JSON.stringify([
    r.machine.cpuModel, r.machine.cpus, r.machine.node,
    o.profile, [...o.models].sort(), [...o.workloads].sort(), [...o.connections].sort((a, b) => a - b),
    o.durationSeconds, o.warmupSeconds, o.trials, o.threads, o.processes, o.tls, o.newConnections, o.sessions,
    o.rates ?? null, o.hold ?? null, o.target ?? null, o.network ?? null,
  ]);
}

/** The earlier runs of `results`' plan among `candidates`: complete, same plan, started before it; oldest first. */
export function earlierRunsOfPlan(results: Results, candidates: readonly Results[]): Results[] {
  const key = planKey(results);
  return candidates
    .filter((r) => r.runId !== results.runId && r.complete && r.startedAt < results.startedAt && planKey(r) === key)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** A case's figure for comparing runs: at best speed, or raw. */
function figureOf(c: OkCase, basis: CaseHistory['basis']): number | null {
  const value = basis === 'best-speed' ? c.atBestSpeed?.rps : c.rps;
  return value !== undefined && value > 0 ? value : null;
}

/** The spread of one case over the earlier runs; null with fewer than two earlier runs that measured it. */
export function caseHistory(c: OkCase, earlier: readonly Results[]): CaseHistory | null {
  const found = earlier.map((r) => ({ r, e: findOkCase(r.cases, c.model, c.workload, c.connections) })).filter((x): x is { r: Results; e: OkCase } => x.e !== undefined);
  if (found.length < 2) return null;
  const basis: CaseHistory['basis'] = c.atBestSpeed !== undefined && found.every((x) => x.e.atBestSpeed !== undefined) ? 'best-speed' : 'raw';
  const values = found.map((x) => figureOf(x.e, basis)).filter((v): v is number => v !== null);
  if (values.length < 2) return null;
  const centre = Math.exp(values.reduce((a, v) => a + Math.log(v), 0) / values.length);
  const spread = Math.max(...values.map((v) => Math.abs(v / centre - 1)));
  const first = found[0]?.r.startedAt ?? c.trials[0]?.startedAt ?? '';
  const round3 = (x: number): number => Math.round(x * 1000) / 1000;
  return { runs: values.length, basis, centre: Math.round(centre * 10) / 10, spread: round3(spread), since: first };
}

/** Whether this run's figure lies within the earlier runs' spread around their centre. */
export function withinSpread(c: OkCase, h: CaseHistory): boolean | null {
  const value = figureOf(c, h.basis);
  if (value === null) return null;
  return Math.abs(value / h.centre - 1) <= h.spread + 1e-9;
}
