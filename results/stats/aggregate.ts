import type { CaseHistory, CaseResult, LittlesLaw, OkCase, Results, Trial, Warning } from '../schema.js';
import { withinSpread } from './run-history.js';
import { splitWorkloadKey } from '../workload-key.js';
import type { Interval } from './stats.js';
import { findCase } from '../find-case.js';
export { findCase } from '../find-case.js';

/** The figures of one cell (model × workload × connections): its case, flattened for tables and charts. */
export interface Cell {
  readonly model: string;
  readonly workload: string;
  readonly connections: number;
  /** Trials run (ok, failed, marked and retries included). */
  readonly runs: number;
  readonly failed: readonly string[];
  readonly warnings: readonly Warning[];
  readonly rps: number | null;
  readonly rpsInterval: Interval | null;
  readonly p50: number | null;
  readonly p50Interval: Interval | null;
  readonly p99: number | null;
  readonly p99Interval: Interval | null;
  readonly p999: number | null;
  readonly p999Interval: Interval | null;
  /** The answers behind the latency figures (all used trials together); null in older files, which do not say. */
  readonly latencySample: number | null;
  readonly mean: number | null;
  readonly max: number | null;
  readonly serverCpuPercent: number | null;
  readonly serverRssPeakBytes: number | null;
  readonly clientCpuPercent: number | null;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly servedBy: number | null;
  readonly requests: number;
  readonly littlesLaw: LittlesLaw | null;
  /** Latency figures miss some waiting (Little's law, or requests never answered): show them as "≥". */
  readonly latencyLowerBound: boolean;
  readonly trials: readonly Trial[];
  readonly markedTrials: number;
  readonly distribution: OkCase['distribution'];
  /** Theory's throughput and mean latency for the case (results/predict.ts); null where it has none. */
  readonly predicted: NonNullable<OkCase['predicted']> | null;
  /** The session workload: answers whose visit count was not the client's previous + 1; null elsewhere. */
  readonly lostUpdates: number | null;
  /** This machine's spread between earlier runs of the plan (results/stats/run-history.ts), and whether this run lies within it. */
  readonly history: CaseHistory | null;
  /** The throughput at the machine's best speed (results/stats/machine-range.ts); null without gauges. */
  readonly rpsAtBest: number | null;
  readonly withinHistory: boolean | null;
}


export function cell(cases: readonly CaseResult[], model: string, workload: string, connections: number): Cell {
  const c = findCase(cases, model, workload, connections);
  const ok = c?.status === 'ok' ? c : undefined;
  const trials = c?.trials ?? [];
  const failedTrials = trials.flatMap((t) => (t.status === 'failed' ? [t.error] : []));
  return {
    model,
    workload,
    connections,
    runs: trials.length,
    failed: c?.status === 'failed' ? [c.error, ...failedTrials.filter((e) => e !== c.error)] : failedTrials,
    warnings: c?.warnings ?? [],
    rps: ok?.rps ?? null,
    rpsInterval: ok?.rpsInterval ?? null,
    p50: ok?.latencyUs.p50 ?? null,
    p50Interval: ok?.p50Interval ?? null,
    p99: ok?.latencyUs.p99 ?? null,
    p99Interval: ok?.p99Interval ?? null,
    p999: ok?.latencyUs.p999 ?? null,
    p999Interval: ok?.p999Interval ?? null,
    latencySample: ok?.latencySample ?? null,
    mean: ok?.latencyUs.mean ?? null,
    max: ok?.latencyUs.max ?? null,
    serverCpuPercent: ok?.serverCpuPercent ?? null,
    serverRssPeakBytes: ok?.serverRssPeakBytes ?? null,
    clientCpuPercent: ok?.clientCpuPercent ?? null,
    errors: ok?.errors ?? 0,
    timeouts: ok?.timeouts ?? 0,
    non2xx: ok?.non2xx ?? 0,
    servedBy: ok?.servedBy ?? null,
    requests: ok?.requests ?? 0,
    littlesLaw: ok?.littlesLaw ?? null,
    latencyLowerBound: ok?.littlesLaw.lowerBound ?? false,
    trials,
    markedTrials: trials.filter((t) => t.marked.length > 0).length,
    distribution: ok?.distribution ?? [],
    predicted: ok?.predicted ?? null,
    lostUpdates: ok?.lostUpdates ?? null,
    history: ok?.history ?? null,
    rpsAtBest: ok?.atBestSpeed?.rps ?? null,
    withinHistory: ok?.history === undefined ? null : withinSpread(ok, ok.history),
  };
}

/** Models of the run in catalogue order, and the workloads, connections as the options list them. */
export function axes(results: Results): { models: string[]; workloads: string[]; connections: number[] } {
  const seen = (f: (c: CaseResult) => string): string[] => [...new Set(results.cases.map(f))];
  const models = [...new Set([...results.options.models, ...seen((c) => c.model)])];
  // A workload measured only with idle connections held (`ws-echo+hold500`) is shown under that key alone.
  const heldOnly = (w: string): boolean => !results.cases.some((c) => c.workload === w) && results.cases.some((c) => splitWorkloadKey(c.workload).base === w);
  const workloads = [...new Set([...results.options.workloads.filter((w) => !heldOnly(w)), ...seen((c) => c.workload)])];
  const connections = [...new Set([...results.options.connections, ...results.cases.filter((c) => c.mode === 'closed').map((c) => c.connections)])].sort((a, b) => a - b);
  return { models, workloads, connections };
}
