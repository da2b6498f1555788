/**
 * What the class page needs of one shared run, computed once when the run arrives (the hub stores it beside the run):
 * the machine, its best probe, each relation's value with its interval and theory's, what the run lacks for the
 * relations it misses, the facts that make a machine one to read with care, and the rows of the class's table. The
 * page is then built from these small summaries alone: its cost grows with the class, not with the files' sizes.
 */
import { bestProbe } from '../../results/stats/probes.js';
import { supportsPercentile } from '../../results/stats/stats.js';
import { conclusions, type Conclusion } from '../../results/stats/conclusions.js';
import { checkPredictions } from '../../results/theory/prediction-check.js';
import type { OkCase, Results } from '../../results/schema.js';
import { splitWorkloadKey } from '../../results/workload-key.js';
import { findOkCase } from '../../results/find-case.js';

/** A relation the course teaches: a ratio of two models' figures in one cell. */
export interface RelationSpec {
  readonly key: 'io' | 'cpu' | 'hello' | 'start' | 'held';
  /** Throughput (requests per second) or memory per idle connection held (--hold). */
  readonly figure: 'rps' | 'memory';
  readonly workload: string;
  readonly connections: number;
  readonly a: string;
  readonly b: string;
}

export const RELATIONS: readonly RelationSpec[] = [
  { key: 'io', figure: 'rps', workload: 'io', connections: 16, a: 'event-loop', b: 'sequential' },
  { key: 'cpu', figure: 'rps', workload: 'cpu', connections: 16, a: 'cluster', b: 'event-loop' },
  { key: 'hello', figure: 'rps', workload: 'hello', connections: 64, a: 'worker-pool', b: 'event-loop' },
  { key: 'start', figure: 'rps', workload: 'hello', connections: 1, a: 'event-loop', b: 'process-per-request' },
  // What an idle WebSocket costs: a thread of its own against a socket on the event loop (ws-echo beside held ones).
  { key: 'held', figure: 'memory', workload: 'ws-echo', connections: 1, a: 'thread-per-request', b: 'event-loop' },
];

export type RelationKey = RelationSpec['key'];

export function isRelationKey(value: string): value is RelationKey {
  return RELATIONS.some((r) => r.key === value);
}

export interface RelationValue {
  readonly value: number;
  readonly low: number | null;
  readonly high: number | null;
  readonly theory: number | null;
}

/** The workloads whose requests compute on the server: their throughput is comparable per unit of a core's speed. */
const COMPUTING = new Set(['hello', 'cpu', 'mixed', 'static', 'csv']);

/** One row of the class's table: workload, clients, model, req/s, its interval, p99 (µs), req/s per unit of speed. */
/** p99 is blank where fewer than 1,000 answers stand behind it (it would be the largest few answers, not a p99). */
export type TableRow = readonly [workload: string, clients: number, model: string, rps: number, low: number | '', high: number | '', p99: number | '', perSpeed: number | '', atBest?: number | ''];

/** The most rows a run brings to the class's table (a full profile has a few hundred cases). */
export const MAX_ROWS_PER_RUN = 1000;

export interface ClassRunSummary {
  readonly runId: string;
  readonly complete: boolean;
  readonly machine: { readonly cpuModel: string; readonly cores: number; readonly node: string };
  /** The run's best probe: single-thread PBKDF2 iterations per ms, and the cores' worth all together. */
  readonly probe: { readonly singleRate: number; readonly capacity: number } | null;
  readonly cells: readonly string[];
  readonly relations: Partial<Record<RelationKey, RelationValue>>;
  /** For each relation the run cannot show: the cases it lacks ("io × 16 of sequential"). */
  readonly missing: Partial<Record<RelationKey, readonly string[]>>;
  readonly facts: { readonly trials: number; readonly marked: number; readonly cases: number; readonly saturated: number; readonly drift: boolean; readonly disagree: number };
  readonly rows: readonly TableRow[];
}

function okCase(results: Results, model: string, workload: string, connections: number): OkCase | undefined {
  return findOkCase(results.cases, model, workload, connections);
}

/** The paired ratio a ÷ b of one run's throughputs, with its interval, and theory's ratio; null where a case is missing. */
export function rpsRelation(results: Results, spec: RelationSpec, all: readonly Conclusion[]): RelationValue | null {
  const a = okCase(results, spec.a, spec.workload, spec.connections);
  const b = okCase(results, spec.b, spec.workload, spec.connections);
  if (a === undefined || b === undefined || !(a.rps > 0) || !(b.rps > 0)) return null;
  const paired = all.find((c) => c.workload === spec.workload && c.connections === spec.connections && ((c.a === spec.a && c.b === spec.b) || (c.a === spec.b && c.b === spec.a)));
  const theory = a.predicted !== undefined && b.predicted !== undefined && b.predicted.rps > 0 ? a.predicted.rps / b.predicted.rps : null;
  if (paired === undefined) return { value: a.rps / b.rps, low: null, high: null, theory };
  const flip = paired.a !== spec.a;
  const cmp = paired.comparison;
  const interval = cmp.interval === null ? null : flip ? { low: 1 / cmp.interval.high, high: 1 / cmp.interval.low } : cmp.interval;
  return { value: flip ? 1 / cmp.ratio : cmp.ratio, low: interval?.low ?? null, high: interval?.high ?? null, theory };
}

/** Below this growth in all, a server's memory did not measurably grow with the connections held. */
const MEASURABLE_GROWTH_BYTES = 128 * 1024;

/**
 * Memory per held connection, a ÷ b, each model at the largest level it held with a measurable growth: a few
 * kilobytes a connection (the event loop) need thousands of connections to stand out of a server's memory noise,
 * megabytes (a thread each) a few hundred; null where either model has none.
 */
export function memoryRelation(results: Results, spec: RelationSpec): RelationValue | null {
  const held = results.cases.filter((c): c is OkCase => c.status === 'ok' && c.mode === 'closed' && c.connections === spec.connections && splitWorkloadKey(c.workload).base === spec.workload && c.held !== undefined);
  const perConnection = (model: string): number | null => {
    const measurable = held
      .filter((c) => c.model === model)
      .flatMap((c) => (c.held === undefined || c.held.rssPerConnectionBytes === null || c.held.rssPerConnectionBytes * c.held.opened < MEASURABLE_GROWTH_BYTES ? [] : [c.held]))
      .sort((x, y) => y.connections - x.connections);
    return measurable[0]?.rssPerConnectionBytes ?? null;
  };
  const a = perConnection(spec.a);
  const b = perConnection(spec.b);
  return a === null || b === null ? null : { value: a / b, low: null, high: null, theory: null };
}

/** What a run lacks for a relation: the cases (model and cell) it has no result for. */
function lacking(results: Results, spec: RelationSpec): string[] {
  const has = (model: string): boolean =>
    spec.figure === 'rps'
      ? okCase(results, model, spec.workload, spec.connections) !== undefined
      : results.cases.some((c) => c.status === 'ok' && c.model === model && c.connections === spec.connections && splitWorkloadKey(c.workload).base === spec.workload && c.held !== undefined);
  const cell = spec.figure === 'rps' ? `${spec.workload} × ${spec.connections}` : `${spec.workload} × ${spec.connections} --hold`;
  return [spec.a, spec.b].filter((m) => !has(m)).map((m) => `${cell} · ${m}`);
}

export function summarizeRun(results: Results): ClassRunSummary {
  const all = conclusions(results);
  const relations: Partial<Record<RelationKey, RelationValue>> = {};
  const missing: Partial<Record<RelationKey, readonly string[]>> = {};
  for (const spec of RELATIONS) {
    const value = spec.figure === 'rps' ? rpsRelation(results, spec, all) : memoryRelation(results, spec);
    if (value !== null) relations[spec.key] = value;
    else missing[spec.key] = lacking(results, spec);
  }
  const best = bestProbe(results.probes);
  const single = best?.singleRate ?? null;
  const trials = results.cases.flatMap((c) => c.trials);
  const rows: TableRow[] = [];
  for (const c of results.cases) {
    if (c.status !== 'ok' || c.mode !== 'closed' || rows.length >= MAX_ROWS_PER_RUN) continue;
    // Per unit of a core's speed (1,000 iterations per ms) only where the requests compute: a wait does not go faster.
    const perSpeed = single === null || !COMPUTING.has(c.workload) ? '' : Math.round((c.rps / (single / 1000)) * 10) / 10;
    rows.push([c.workload, c.connections, c.model, Math.round(c.rps * 10) / 10, c.rpsInterval === null ? '' : Math.round(c.rpsInterval.low * 10) / 10, c.rpsInterval === null ? '' : Math.round(c.rpsInterval.high * 10) / 10, c.latencySample !== undefined && !supportsPercentile(c.latencySample, 99) ? '' : Math.round(c.latencyUs.p99), perSpeed, c.atBestSpeed === undefined ? '' : Math.round(c.atBestSpeed.rps * 10) / 10]);
  }
  return {
    runId: results.runId,
    complete: results.complete,
    machine: { cpuModel: results.machine.cpuModel, cores: results.machine.cpus, node: results.machine.node },
    probe: best === undefined ? null : { singleRate: Math.round(best.singleRate), capacity: Math.round(best.capacity * 100) / 100 },
    cells: [...new Set(results.cases.map((c) => `${c.workload} × ${c.connections}`))].slice(0, MAX_ROWS_PER_RUN),
    relations,
    missing,
    facts: {
      trials: trials.length,
      marked: trials.filter((tr) => tr.status === 'ok' && tr.marked.length > 0).length,
      cases: results.cases.length,
      saturated: results.cases.filter((c) => c.warnings.some((w) => w.code === 'client-saturated')).length,
      drift: results.warnings.some((w) => w.code === 'machine-drift'),
      disagree: checkPredictions(results).filter((p) => p.disagrees && Math.abs(p.rpsError) > 0.15).length,
    },
    rows,
  };
}
