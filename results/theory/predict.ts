/**
 * Predict, then measure: each model of the lab is a textbook queueing system. From what a request needs (its
 * service demands, measured at 1 client) and the model's structure, mean value analysis (results/theory/mva.ts; exact for one-server stations, Seidmann's approximation for the others) predicts the
 * closed-loop throughput and mean latency at every number of clients; the cores bound what it can reach.
 *
 *   sequential      the client's CPU, then one thread held for the whole request (CPU and wait): a queue.
 *   event-loop      the client, one thread for the CPU (a queue), and the wait as a pure delay.
 *   cluster (P)     the client, P event loops on min(P, cores) cores (a queue of that many servers, fractional
 *                   where the machine gives part of a core), the wait a delay.
 *   worker-pool (T) the client, the main thread (the HTTP part, a queue), T pool threads each held for the
 *                   handler's CPU and its wait (a queue of T servers).
 *   fastify         as event-loop.
 *   thread- and process-per-request (at most N alive): the client, N servers each held for the whole request,
 *                   the start of its thread or process included.
 *   and for all:    X ≤ cores / (server CPU + client CPU): the cores are shared by the server and the client.
 *
 * The machine is part of the model: a case's CPU demands are brought to the speed its cores ran at (each core's gauge:
 * this lab's host slows a core by 40 % for tens of seconds at a time), and its cores are those other processes left.
 */
import { bounds, solveMva, type Network, type Station } from './mva.js';
import type { CaseResult, OkCase, Results } from '../schema.js';
import { findOkCase } from '../find-case.js';

/** What one request needs, in seconds, measured at 1 client. */
export interface Demands {
  /** CPU of the server's process tree per request. */
  readonly serverCpu: number;
  /** CPU of the load generator per request. */
  readonly clientCpu: number;
  /** The rest of a request's time at 1 client: waits, the kernel, the network (1 / X₁ − both CPUs, at least 0). */
  readonly wait: number;
  /** The server CPU of the smallest request (`hello`) on this model: the part a pool's main thread does. */
  readonly overheadCpu: number;
}

export interface ModelShape {
  readonly model: string;
  readonly threads?: number;
  readonly processes?: number;
  /** WebSocket messages (ws-echo): a connection, not a request, holds a thread or a process, or sequential's one turn. */
  readonly websocket?: boolean;
}

/**
 * The demands of one case, from its throughput and CPU at 1 client (percent of one core). `known`, where the
 * workload says how much CPU its requests ask for (the server: the model's `hello` cost plus the calibrated work;
 * the client: its `hello` cost, the answers being as small), caps the measured CPU: at a few dozen requests per
 * second, a process's CPU is mostly its own ticking (timers, the collector), which does not grow with the requests.
 */
export function demandsFrom(
  rps: number,
  serverCpuPercent: number,
  clientCpuPercent: number,
  overheadCpu: number,
  known?: { readonly serverCpu: number; readonly clientCpu: number },
): Demands | null {
  if (!(rps > 0)) return null;
  const measuredServer = serverCpuPercent / 100 / rps;
  const measuredClient = clientCpuPercent / 100 / rps;
  const serverCpu = known === undefined ? measuredServer : Math.min(measuredServer, known.serverCpu);
  const clientCpu = known === undefined ? measuredClient : Math.min(measuredClient, known.clientCpu);
  // What is not per-request CPU is time the request spends elsewhere: 1 / X₁ stays what was measured.
  return { serverCpu, clientCpu, wait: Math.max(0, 1 / rps - serverCpu - clientCpu), overheadCpu: Math.min(overheadCpu, serverCpu) };
}

/** Seconds of calibrated CPU work a workload's requests ask for (`/work?cpu=` iterations), or undefined if unknown. */
export function workloadCpu(paths: readonly string[], iterationsPerMs: number): number | undefined {
  const known = paths.map((path) => {
    if (!path.startsWith('/work')) return path === '/' ? 0 : undefined;
    const iterations = Number(/[?&]cpu=(\d+)/.exec(path)?.[1] ?? '0');
    return iterations / iterationsPerMs / 1000;
  });
  if (known.some((k) => k === undefined)) return undefined;
  return known.reduce<number>((a, b) => a + (b ?? 0), 0) / Math.max(1, known.length);
}

/** The model's queueing network, or null for a model the lab has no structure for. */
export function networkFor(shape: ModelShape, d: Demands, cores: number): Network | null {
  const client: Station = { name: 'client', kind: 'queue', demand: d.clientCpu };
  if (shape.websocket === true) {
    switch (shape.model) {
      case 'sequential':
        // One connection at a time: the others wait for it to close, so one client's whole cycle is the station.
        return { stations: [{ name: 'the one connection', kind: 'queue', demand: d.clientCpu + d.serverCpu + d.wait }] };
      case 'thread-per-request':
      case 'process-per-request':
        // A thread or a process per connection (the bench gives every client one): messages cross from the main
        // thread, which holds every socket (a queue), to the connection's own (no queue between connections).
        return { stations: [client, { name: 'main thread', kind: 'queue', demand: d.serverCpu }, { name: 'own thread or process', kind: 'delay', demand: d.wait }] };
      default:
        break; // the others hold a connection as they hold a request: their HTTP shape below
    }
  }
  switch (shape.model) {
    case 'sequential':
      return { stations: [client, { name: 'thread', kind: 'queue', demand: d.serverCpu + d.wait }] };
    case 'event-loop':
    case 'fastify':
    case 'baseline':
      return { stations: [client, { name: 'event loop', kind: 'queue', demand: d.serverCpu }, { name: 'wait', kind: 'delay', demand: d.wait }] };
    case 'thread-per-request':
    case 'process-per-request':
      // At most T threads or P processes alive, each held for the whole request, its start included (the 1-client demand).
      return {
        stations: [client, { name: shape.model === 'thread-per-request' ? 'threads' : 'processes', kind: 'queue', demand: d.serverCpu + d.wait, servers: Math.max(1, (shape.model === 'thread-per-request' ? shape.threads : shape.processes) ?? cores) }],
      };
    case 'cluster':
      return {
        // P loops on the cores the machine gives: 1.6 cores' worth is 1.6 servers (the MVA is exact for fractions).
        stations: [client, { name: 'event loops', kind: 'queue', demand: d.serverCpu, servers: Math.max(1, Math.min(shape.processes ?? cores, cores)) }, { name: 'wait', kind: 'delay', demand: d.wait }],
      };
    case 'worker-pool':
      return {
        stations: [
          client,
          { name: 'main thread', kind: 'queue', demand: d.overheadCpu },
          { name: 'pool threads', kind: 'queue', demand: d.serverCpu - d.overheadCpu + d.wait, servers: Math.max(1, shape.threads ?? cores) },
        ],
      };
    default:
      return null;
  }
}

export interface Prediction {
  readonly clients: number;
  readonly rps: number;
  readonly meanLatencyUs: number;
  /** 'cores' where the shared cores, not the model's own stations, set the throughput. */
  readonly limit: 'model' | 'cores';
}

export interface ModelPrediction {
  readonly points: readonly Prediction[];
  /** N*: where the clients stop being the limit and the bottleneck starts to be. */
  readonly knee: number;
  readonly bottleneck: string;
}

/** Predicted throughput and mean latency for 1 … maxClients clients (closed loop, no think time). */
export function predictModel(shape: ModelShape, d: Demands, cores: number, maxClients: number): ModelPrediction | null {
  const network = networkFor(shape, d, cores);
  if (network === null) return null;
  const coreBound = d.serverCpu + d.clientCpu > 0 ? cores / (d.serverCpu + d.clientCpu) : Number.POSITIVE_INFINITY;
  const b = bounds(network);
  const points = solveMva(network, maxClients).map((p): Prediction => {
    const limited = p.throughput > coreBound;
    const rps = limited ? coreBound : p.throughput;
    // Little's law gives the latency of a closed loop at the throughput it reaches.
    return { clients: p.clients, rps, meanLatencyUs: (p.clients / rps) * 1e6, limit: limited ? 'cores' : 'model' };
  });
  const coreKnee = coreBound > 0 && Number.isFinite(coreBound) ? (b.totalDemand * coreBound) : Number.POSITIVE_INFINITY;
  return { points, knee: Math.min(b.knee, coreKnee), bottleneck: coreKnee < b.knee ? 'cores' : b.bottleneck };
}

/** The cores the machine gave the run: the median parallel capacity of its probes, or its core count. */
export function runCores(results: Pick<Results, 'probes' | 'machine'>): number {
  const capacities = results.probes.map((p) => p.capacity).sort((a, b) => a - b);
  const mid = capacities[Math.floor(capacities.length / 2)];
  return mid === undefined ? results.machine.cpus : Math.min(results.machine.cpus, mid);
}

/**
 * How fast the cores computed while a case ran, as a share of their best in the run: the mean of its used trials'
 * gauges (bench/machine/core-monitor.ts). 1 where the file does not say (older files, machines without gauges).
 */
export function caseSpeed(c: OkCase): number {
  const speeds = c.trials.flatMap((t) => (t.status === 'ok' && t.marked.length === 0 ? (t.coreSpeeds ?? []).filter((x): x is number => x !== null && x > 0) : []));
  const all = speeds.length > 0 ? speeds : c.trials.flatMap((t) => (t.status === 'ok' ? (t.coreSpeeds ?? []).filter((x): x is number => x !== null && x > 0) : []));
  return all.length === 0 ? 1 : all.reduce((a, b) => a + b, 0) / all.length;
}

/** Other processes' share of the cores while a case ran (its used trials' background CPU, in cores). */
function caseBackground(c: OkCase): number {
  const ok = c.trials.flatMap((t) => (t.status === 'ok' ? [t.backgroundCpuPercent] : []));
  return ok.length === 0 ? 0 : ok.reduce((a, b) => a + b, 0) / ok.length / 100;
}

/** The same demands on cores running at `to` instead of `from` (shares of their best): CPU scales, waits do not. */
export function atSpeed(d: Demands, from: number, to: number): Demands {
  const k = to > 0 ? from / to : 1;
  return { serverCpu: d.serverCpu * k, clientCpu: d.clientCpu * k, wait: d.wait, overheadCpu: d.overheadCpu * k };
}

/** Demands with the speed of the cores they were measured at. */
export interface MeasuredDemands extends Demands {
  readonly speed: number;
}

const closedOk = (results: Results, model: string, workload: string, connections: number): OkCase | undefined => findOkCase(results.cases, model, workload, connections);

/** Below this many clients a level still measures what a request needs more than how it queues (for the CPU's fit). */
export const FIT_CLIENTS = 8;

/**
 * Whether theory's prediction of a case is in-sample: the case is one the demands were measured on (1 client) or
 * fitted from (up to FIT_CLIENTS clients). Theory is checked only on the others.
 */
export function inSample(c: Pick<CaseResult, 'mode' | 'connections'>): boolean {
  return c.mode === 'closed' && c.connections <= FIT_CLIENTS;
}

/**
 * What one request of a model and workload needs, from the run's closed-loop measures: the 1-client case for the
 * time a request takes alone (its wait), and the CPU a request costs from the 1-client case and any level up to 8
 * clients, whichever is lower once both are brought to the cores' best speed (at 1 client each request pays a wake-up
 * of the client and of the server that a few clients share: for the cheapest requests the 1-client CPU overstates
 * it by half). The model's `hello` at 1 client gives the pool's main-thread share and the client's cost of an
 * answer. Null where the run has no 1-client measure of the model and workload.
 */
export function caseDemands(results: Results, model: string, workload: string): MeasuredDemands | null {
  const base = closedOk(results, model, workload, 1);
  if (base === undefined) return null;
  const hello = closedOk(results, model, 'hello', 1);
  const overhead = hello === undefined || !(hello.rps > 0) ? 0 : hello.serverCpuPercent / 100 / hello.rps;
  const helloClient = hello === undefined || !(hello.rps > 0) ? 0 : hello.clientCpuPercent / 100 / hello.rps;
  const paths = results.workloads.find((w) => w.name === workload)?.paths ?? [];
  const work = workloadCpu(paths, results.calibration.iterationsPerMs);
  const known = work === undefined || hello === undefined ? undefined : { serverCpu: overhead + work, clientCpu: helloClient };
  const d = demandsFrom(base.rps, base.serverCpuPercent, base.clientCpuPercent, overhead, known);
  if (d === null) return null;
  const speed = caseSpeed(base);
  // The fit: per-request CPU at a few clients, at the base case's speed, where lower than at 1 client.
  let serverCpu = d.serverCpu;
  let clientCpu = d.clientCpu;
  for (const n of [...new Set(results.cases.map((c) => c.connections))].filter((n) => n > 1 && n <= FIT_CLIENTS)) {
    const level = closedOk(results, model, workload, n);
    if (level === undefined || !(level.rps > 0)) continue;
    const k = caseSpeed(level) / speed;
    serverCpu = Math.min(serverCpu, (level.serverCpuPercent / 100 / level.rps) * k);
    clientCpu = Math.min(clientCpu, (level.clientCpuPercent / 100 / level.rps) * k);
  }
  return { serverCpu, clientCpu, wait: d.wait + (d.serverCpu - serverCpu) + (d.clientCpu - clientCpu), overheadCpu: Math.min(d.overheadCpu, serverCpu), speed };
}

/** The model's shape as a case records it. */
export function shapeOf(c: Pick<CaseResult, 'model' | 'modelParams'> & { readonly workload?: string }): ModelShape {
  return { model: c.model, threads: c.modelParams.threads, processes: c.modelParams.processes, ...(c.workload?.startsWith('ws-') === true ? { websocket: true } : {}) };
}

/**
 * A case's prediction: the model at its number of clients, from the run's demands brought to the speed its cores
 * ran at (its gauges), on the cores other processes left it. Null where the run has no 1-client measure.
 */
export function predictCase(results: Results, c: OkCase): Prediction | null {
  const measured = caseDemands(results, c.model, c.workload);
  if (measured === null) return null;
  const demands = atSpeed(measured, measured.speed, caseSpeed(c));
  const cores = Math.max(0.5, results.machine.cpus - caseBackground(c));
  return predictModel(shapeOf(c), demands, cores, c.connections)?.points[c.connections - 1] ?? null;
}

/**
 * Every ok closed-loop case with its prediction, from the demands measured at 1 client (and a few clients) in the
 * same run. A case gets none where the run has no 1-client measure of its model and workload.
 */
export function predictCases(results: Results): Map<CaseResult, Prediction> {
  const out = new Map<CaseResult, Prediction>();
  for (const c of results.cases) {
    if (c.status !== 'ok' || c.mode !== 'closed') continue;
    const point = predictCase(results, c);
    if (point !== null) out.set(c, point);
  }
  return out;
}
