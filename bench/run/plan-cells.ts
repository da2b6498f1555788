/** The plan of a run: its cells (workload × clients, or × rate), in the order they run, and the models' parameters. */
import { totalmem } from 'node:os';
import { CATALOGUE, type ModelName } from '../../servers/catalogue.js';
import { MAX_PROCESSES, MAX_THREADS } from '../../servers/serve-options.js';
import type { ResolvedBenchOptions } from '../plan/options.js';
import { BASELINE_WORKLOADS, workloadKey, type WorkloadName } from '../plan/workloads.js';
import type { ProfileCell } from '../plan/profiles.js';

/**
 * One cell of the plan: a workload at a number of clients, and the models measured there. An open-loop cell
 * has a rate: requests per second offered on at most `connections` connections.
 */
export interface PlannedCell {
  /** The workload's key: its name, or `<name>+hold<N>` when N idle WebSocket connections are held (--hold). */
  readonly workload: string;
  readonly base: WorkloadName;
  readonly hold: number;
  readonly connections: number;
  readonly rate?: number;
  readonly models: readonly ModelName[];
}

/** "io × 16" or "io at 100/s": how a cell is named in probes and progress lines. */
export function cellName(cell: Pick<PlannedCell, 'workload' | 'connections' | 'rate'>): string {
  return cell.rate === undefined ? `${cell.workload} × ${cell.connections}` : `${cell.workload} at ${cell.rate}/s`;
}

/** The models that give every connection a thread or a process of their own (their bound is then a bound on connections). */
const PER_CONNECTION: readonly ModelName[] = ['thread-per-request', 'process-per-request'];

/**
 * What one connection's thread or process costs in memory, as measured here (a worker thread with the conversation
 * loaded: about 7 MiB; a Node.js process: about 45 MiB), with room to spare: a raised bound never asks for more than
 * half the machine's memory.
 */
const CONNECTION_COST_BYTES = { threads: 10 * 1024 * 1024, processes: 64 * 1024 * 1024 } as const;
const mostByMemory = (p: 'threads' | 'processes'): number => Math.max(1, Math.floor(totalmem() / 2 / CONNECTION_COST_BYTES[p]));

/**
 * Parameters each model runs with in the bench: the threads or processes of the options. With `connections` held
 * at once (idle connections and clients), a model that gives each its own thread or process gets a bound of at
 * least that many, unless --threads or --processes said otherwise: a bound below it would measure its line, not
 * what a held connection costs. Never more than half the machine's memory can hold (the rest wait in line, as a
 * real thread-per-connection server's would).
 */
export function benchParams(model: ModelName, options: Pick<ResolvedBenchOptions, 'threads' | 'processes'> & { readonly boundsGiven?: ResolvedBenchOptions['boundsGiven'] }, connections = 0): Record<string, number> {
  return Object.fromEntries(
    CATALOGUE[model].params.map((p) => {
      const raise = connections > 0 && PER_CONNECTION.includes(model) && options.boundsGiven?.[p] !== true;
      return [p, raise ? Math.max(options[p], Math.min(p === 'threads' ? MAX_THREADS : MAX_PROCESSES, mostByMemory(p), connections)) : options[p]];
    }),
  );
}

/**
 * Every cell of the matrix, workload by workload (a workload's servers run while its cells are measured), and each
 * level of held connections as a workload of its own (`ws-echo+hold500`: its servers start afresh). An open-loop run
 * measures each HTTP workload at 1 client first (closed loop: what one request needs, for the predictions), then at
 * every rate; the chat's rate is its messages, and its cells have `members` connections.
 */
export function planCells(options: Pick<ResolvedBenchOptions, 'models' | 'workloads' | 'connections' | 'open' | 'hold' | 'cells' | 'extraCells' | 'members'>): PlannedCell[] {
  const cells: PlannedCell[] = [];
  const modelsFor = (workload: WorkloadName, hold = 0): ModelName[] => options.models.filter((m) => !CATALOGUE[m].reference || (BASELINE_WORKLOADS.includes(workload) && hold === 0));
  const profileCell = (c: ProfileCell): PlannedCell => ({ workload: workloadKey(c.workload, c.hold ?? 0), base: c.workload, hold: c.hold ?? 0, connections: c.connections, models: modelsFor(c.workload, c.hold ?? 0).filter((m) => c.models.includes(m)) });
  // A profile's own plan (the class profile): exactly its cells, in its order.
  if (options.cells !== undefined) return [...options.cells, ...(options.extraCells ?? [])].map(profileCell).filter((c) => c.models.length > 0);
  const http = options.workloads.some((w) => w !== 'ws-chat');
  // Where the predictions have 1-client cases to stand on (always in an open run), `hello` is measured at 1 client
  // too: a model's own cost per request, which caps what a slow 1-client measure would make of the CPU a request
  // needs (results/predict.ts).
  if (http && (options.open !== null || options.connections.includes(1)) && !options.workloads.includes('hello')) {
    const models = modelsFor('hello');
    if (models.length > 0) cells.push({ workload: 'hello', base: 'hello', hold: 0, connections: 1, models });
  }
  for (const hold of options.hold) {
    for (const workload of options.workloads) {
      const models = modelsFor(workload, hold);
      if (models.length === 0) continue;
      const key = workloadKey(workload, hold);
      const cell = (connections: number, rate?: number): PlannedCell => ({ workload: key, base: workload, hold, connections, ...(rate === undefined ? {} : { rate }), models });
      if (options.open === null) {
        for (const connections of options.connections) cells.push(cell(connections));
        continue;
      }
      if (workload === 'ws-chat') {
        for (const rate of options.open.rates) cells.push(cell(options.members, rate));
        continue;
      }
      cells.push(cell(1));
      for (const rate of options.open.rates) cells.push(cell(options.open.maxInflight, rate));
    }
  }
  for (const extra of (options.extraCells ?? []).map(profileCell)) if (extra.models.length > 0 && options.workloads.includes(extra.base)) cells.push(extra);
  return cells;
}

/** Closed-loop cells of an open run measure demands only: a short window is enough for a request's cost. */
export const DEMAND_WINDOW_SECONDS = 1;

