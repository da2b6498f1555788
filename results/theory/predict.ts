/**
 * Predict, then measure: each model of the lab is a textbook queueing system. From what a request needs (its
 * service demands, measured at 1 client, their CPU as it falls under load fitted from a loaded level: demandCurve)
 * and the model's structure, mean value analysis (results/theory/mva.ts, exact for every station here) predicts the
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

/** What one request needs, in seconds (at 1 client, or at a number of clients: DemandCurve). */
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

/** What one request needs at each number of clients (a demand curve's `at`). */
export type DemandsAt = (clients: number) => Demands;

/** Demands that change with the number of clients up to `constantFrom`, and stay as they are beyond it. */
export interface LoadDemands {
  readonly at: DemandsAt;
  readonly constantFrom: number;
}

/**
 * Predicted throughput and mean latency for 1 … maxClients clients (closed loop, no think time). With demands that
 * change with the number of clients, the network at n clients is solved with the demands at n (up to the level from
 * which they stay constant; beyond it one solve serves every n): exact at each level where the demands were measured,
 * and as close between them as the demands' interpolation is.
 */
export function predictModel(shape: ModelShape, demands: Demands | LoadDemands, cores: number, maxClients: number): ModelPrediction | null {
  const varying = 'at' in demands ? demands : { at: (): Demands => demands, constantFrom: 1 };
  const loaded = varying.at(maxClients);
  const network = networkFor(shape, loaded, cores);
  if (network === null) return null;
  const coreBoundOf = (d: Demands): number => (d.serverCpu + d.clientCpu > 0 ? cores / (d.serverCpu + d.clientCpu) : Number.POSITIVE_INFINITY);
  const loadedBound = coreBoundOf(loaded);
  const steady = solveMva(network, maxClients);
  const solved = steady.map((p, i) => {
    const n = i + 1;
    if (n >= varying.constantFrom) return { throughput: p.throughput, coreBound: loadedBound };
    const d = varying.at(n);
    return { throughput: solveMva(networkFor(shape, d, cores) ?? network, n)[i]?.throughput ?? 0, coreBound: coreBoundOf(d) };
  });
  const points = solved.map((p, i): Prediction => {
    const limited = p.throughput > p.coreBound;
    const rps = limited ? p.coreBound : p.throughput;
    // Little's law gives the latency of a closed loop at the throughput it reaches.
    return { clients: i + 1, rps, meanLatencyUs: ((i + 1) / rps) * 1e6, limit: limited ? 'cores' : 'model' };
  });
  // The knee and the bottleneck of the loaded network: where the clients stop being the limit.
  const b = bounds(network);
  const coreKnee = Number.isFinite(loadedBound) ? b.totalDemand * loadedBound : Number.POSITIVE_INFINITY;
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
 * The levels (numbers of clients) a model and workload's demands are measured at: 1 client, then every level up to
 * FIT_CLIENTS, or, where the run has none between, its smallest level above 1 when a larger one remains to check
 * theory on (a default run measures 1, 16 and 64 clients: without a loaded level, theory would keep the 1-client CPU,
 * three times what a request of `hello` costs under load; a run of 1 and 64 clients keeps its 64 out of the fit).
 */
export function fitLevels(levels: readonly number[]): number[] {
  const above = [...new Set(levels)].filter((n) => n > 1).sort((a, b) => a - b);
  const near = above.filter((n) => n <= FIT_CLIENTS);
  if (near.length > 0) return [1, ...near];
  return above.length >= 2 ? [1, ...above.slice(0, 1)] : [1];
}

/** The levels at which a model and workload have an ok closed-loop case. */
function levelsOf(results: Results, model: string, workload: string): number[] {
  return results.cases.filter((c) => c.status === 'ok' && c.mode === 'closed' && c.model === model && c.workload === workload).map((c) => c.connections);
}

/**
 * Whether theory's prediction of a case is in-sample: the case is one its demands were measured on (1 client) or
 * fitted from (fitLevels). Theory is checked only on the others.
 */
export function inSample(results: Results, c: Pick<CaseResult, 'mode' | 'connections' | 'model' | 'workload'>): boolean {
  return c.mode === 'closed' && fitLevels(levelsOf(results, c.model, c.workload)).includes(c.connections);
}

/** The ok closed-loop cases a model and workload's demands stand on: 1 client first, then its fitted levels. */
export function fittedCases(results: Results, model: string, workload: string): OkCase[] {
  return fitLevels(levelsOf(results, model, workload)).flatMap((n) => closedOk(results, model, workload, n) ?? []);
}

/**
 * Whether a recorded prediction is in-sample: as the results file says, or, in older files, by their rule (the
 * closed-loop cases up to FIT_CLIENTS clients).
 */
export function fittedPrediction(c: { readonly mode?: 'closed' | 'open'; readonly connections: number; readonly predicted?: { readonly inSample?: boolean } | null }): boolean {
  return c.predicted?.inSample ?? (c.mode !== 'open' && c.connections <= FIT_CLIENTS);
}

/** What a request's CPU is at a measured level, brought to the speed of the 1-client case. */
interface Anchor {
  readonly clients: number;
  readonly serverCpu: number;
  readonly clientCpu: number;
}

/** Between two measured levels a and b, the share of a's extra CPU a request still pays at n clients: 1 at a, 0 at b. */
function shareAt(a: number, b: number, n: number): number {
  return (1 / n - 1 / b) / (1 / a - 1 / b);
}

/**
 * What one request needs as the number of clients grows, from the run's own measures: the demands at 1 client
 * (waits from the 1-client round trip), and the CPU per answer the server and the client spent at each fitted level.
 */
export interface DemandCurve extends LoadDemands {
  /** The demands at 1 client, and under load (the last fitted level's CPU, the same wait). */
  readonly alone: Demands;
  readonly loaded: Demands;
  /** The levels the curve was measured at (fitLevels, those the run has). */
  readonly levels: readonly number[];
  /** The speed of the cores (share of their best) in the 1-client case: the curve's CPU is at that speed. */
  readonly speed: number;
}

/**
 * The demand curve of a model and workload. At 1 client each request pays a wake-up of the client and of the
 * server that a few clients share (for `hello`, 66 µs of server CPU per answer at 1 client, 20 µs at 16 and 64):
 * between two measured levels a < b, that extra CPU falls as 1 / n (a wake-up shared by the requests that arrive
 * together), and beyond the last it stays. A level's CPU is brought to the 1-client case's core speed and never
 * rises above the level before (noise). The model's `hello` at 1 client gives the pool's main-thread share and the
 * client's cost of an answer. Null where the run has no 1-client measure of the model and workload.
 */
export function demandCurve(results: Results, model: string, workload: string): DemandCurve | null {
  const base = closedOk(results, model, workload, 1);
  if (base === undefined) return null;
  const hello = closedOk(results, model, 'hello', 1);
  const overhead = hello === undefined || !(hello.rps > 0) ? 0 : hello.serverCpuPercent / 100 / hello.rps;
  const helloClient = hello === undefined || !(hello.rps > 0) ? 0 : hello.clientCpuPercent / 100 / hello.rps;
  const paths = results.workloads.find((w) => w.name === workload)?.paths ?? [];
  const work = workloadCpu(paths, results.calibration.iterationsPerMs);
  const known = work === undefined || hello === undefined ? undefined : { serverCpu: overhead + work, clientCpu: helloClient };
  const alone = demandsFrom(base.rps, base.serverCpuPercent, base.clientCpuPercent, overhead, known);
  if (alone === null) return null;
  const speed = caseSpeed(base);
  const anchors: Anchor[] = [{ clients: 1, serverCpu: alone.serverCpu, clientCpu: alone.clientCpu }];
  for (const level of fittedCases(results, model, workload).filter((x) => x.connections > 1)) {
    const last = anchors[anchors.length - 1];
    if (!(level.rps > 0) || last === undefined) continue;
    const k = caseSpeed(level) / speed;
    anchors.push({
      clients: level.connections,
      serverCpu: Math.min(last.serverCpu, (level.serverCpuPercent / 100 / level.rps) * k),
      clientCpu: Math.min(last.clientCpu, (level.clientCpuPercent / 100 / level.rps) * k),
    });
  }
  // The pool's main thread keeps its share of a request's CPU as the CPU falls.
  const mainShare = alone.serverCpu > 0 ? alone.overheadCpu / alone.serverCpu : 0;
  const at = (clients: number): Demands => {
    const b = anchors.findIndex((x) => x.clients >= clients);
    const hi = anchors[b === -1 ? anchors.length - 1 : b] ?? anchors[0];
    const lo = b > 0 ? anchors[b - 1] : undefined;
    if (hi === undefined) return alone;
    const f = lo === undefined || hi.clients <= clients ? 0 : shareAt(lo.clients, hi.clients, clients);
    const serverCpu = hi.serverCpu + ((lo?.serverCpu ?? 0) - hi.serverCpu) * f;
    const clientCpu = hi.clientCpu + ((lo?.clientCpu ?? 0) - hi.clientCpu) * f;
    return { serverCpu, clientCpu, wait: alone.wait, overheadCpu: serverCpu * mainShare };
  };
  const levels = anchors.map((x) => x.clients);
  return { at, constantFrom: levels[levels.length - 1] ?? 1, alone, loaded: at(Number.POSITIVE_INFINITY), levels, speed };
}

/**
 * What one request of a model and workload needs, as one set of demands (the open loop's stations): the CPU under
 * load (the curve's last fitted level) and, as the wait, the rest of the 1-client round trip. Null where the run has
 * no 1-client measure of the model and workload.
 */
export function caseDemands(results: Results, model: string, workload: string): MeasuredDemands | null {
  const curve = demandCurve(results, model, workload);
  if (curve === null) return null;
  const { alone, loaded } = curve;
  const wait = alone.wait + (alone.serverCpu - loaded.serverCpu) + (alone.clientCpu - loaded.clientCpu);
  return { serverCpu: loaded.serverCpu, clientCpu: loaded.clientCpu, wait, overheadCpu: loaded.overheadCpu, speed: curve.speed };
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
  const curve = demandCurve(results, c.model, c.workload);
  if (curve === null) return null;
  const speed = caseSpeed(c);
  const cores = Math.max(0.5, results.machine.cpus - caseBackground(c));
  const demands = { at: (n: number): Demands => atSpeed(curve.at(n), curve.speed, speed), constantFrom: curve.constantFrom };
  return predictModel(shapeOf(c), demands, cores, c.connections)?.points[c.connections - 1] ?? null;
}

/**
 * Every ok closed-loop case with its prediction, from the demands measured at 1 client and fitted at a few levels
 * (fitLevels) in the same run. A case gets none where the run has no 1-client measure of its model and workload.
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
