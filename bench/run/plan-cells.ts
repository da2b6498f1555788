/** The plan of a run: its cells (workload × clients, or × rate), in the order they run, and the models' parameters. */
import { CATALOGUE, type ModelName } from '../../servers/catalogue.js';
import type { ResolvedBenchOptions } from '../plan/options.js';
import { BASELINE_WORKLOADS, type WorkloadName } from '../plan/workloads.js';

/**
 * One cell of the plan: a workload at a number of clients, and the models measured there. An open-loop cell
 * has a rate: requests per second offered on at most `connections` connections.
 */
export interface PlannedCell {
  readonly workload: WorkloadName;
  readonly connections: number;
  readonly rate?: number;
  readonly models: readonly ModelName[];
}

/** "io × 16" or "io at 100/s": how a cell is named in probes and progress lines. */
export function cellName(cell: Pick<PlannedCell, 'workload' | 'connections' | 'rate'>): string {
  return cell.rate === undefined ? `${cell.workload} × ${cell.connections}` : `${cell.workload} at ${cell.rate}/s`;
}

/** Parameters each model runs with in the bench: the threads or processes of the options. */
export function benchParams(model: ModelName, options: Pick<ResolvedBenchOptions, 'threads' | 'processes'>): Record<string, number> {
  return Object.fromEntries(CATALOGUE[model].params.map((p) => [p, options[p]]));
}

/**
 * Every cell of the matrix, workload by workload (a workload's servers run while its cells are measured). An
 * open-loop run measures each workload at 1 client first (closed loop: what one request needs, for the
 * predictions), then at every rate.
 */
export function planCells(options: Pick<ResolvedBenchOptions, 'models' | 'workloads' | 'connections' | 'open'>): PlannedCell[] {
  const cells: PlannedCell[] = [];
  // Where the predictions have 1-client cases to stand on (always in an open run), `hello` is measured at 1 client
  // too: a model's own cost per request, which caps what a slow 1-client measure would make of the CPU a request
  // needs (results/predict.ts).
  if ((options.open !== null || options.connections.includes(1)) && !options.workloads.includes('hello')) {
    const models = options.models.filter((m) => !CATALOGUE[m].reference || BASELINE_WORKLOADS.includes('hello'));
    if (models.length > 0) cells.push({ workload: 'hello', connections: 1, models });
  }
  for (const workload of options.workloads) {
    const models = options.models.filter((m) => !CATALOGUE[m].reference || BASELINE_WORKLOADS.includes(workload));
    if (models.length === 0) continue;
    if (options.open === null) {
      for (const connections of options.connections) cells.push({ workload, connections, models });
      continue;
    }
    cells.push({ workload, connections: 1, models });
    for (const rate of options.open.rates) cells.push({ workload, connections: options.open.maxInflight, rate, models });
  }
  return cells;
}

/** Closed-loop cells of an open run measure demands only: a short window is enough for a request's cost. */
export const DEMAND_WINDOW_SECONDS = 1;

