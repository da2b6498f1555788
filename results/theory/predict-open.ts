/**
 * Predict, then measure, in an open loop: requests arrive at a rate λ whatever the server does. Each model is
 * a line of queues (results/predict.ts says which); below saturation, a queue of c servers with service
 * time S at utilisation ρ = λS / c makes a request wait, on average,
 *
 *   Wq(M/M/c) = C(c, λS) × S / (c − λS)                 C: Erlang's C formula, the chance of waiting at all
 *   Wq(G/G/c) ≈ (ca² + cs²) / 2 × Wq(M/M/c)             Allen–Cunneen: ca², cs² the squared coefficients of
 *                                                        variation of the gaps and of the service times
 *
 * (ca² = 1 for Poisson arrivals, 0 for evenly spaced ones; with Poisson arrivals and c = 1 this is exactly
 * Pollaczek–Khinchine's M/G/1, with exponential services exactly M/M/c, with fixed services M/D/c's usual
 * approximation.) The mean latency is the sum of every station's service and wait, plus the pure delays.
 *
 * Near saturation the steady state takes far longer than a window to reach: a queue that started empty has, t
 * seconds later, about √(2λS²(ca² + cs²)t / π) / c of waiting from chance alone, and no more is predicted.
 * At or above saturation there is no steady state: the queue grows by λ − X_max every second, so a request
 * planned t seconds after the load began waits about (λ / X_max − 1) × t more than at rest. Over a window
 * [w, w + T] after a warm-up w, the mean of that is taken at w + T / 2: the longer the run, the worse.
 */
import { caseDemands, runCores, shapeOf, type Demands, type ModelShape } from './predict.js';
import type { CaseResult, DistributionPoint, Results } from '../schema.js';
import { findCase } from '../find-case.js';

/** Erlang's C formula: the chance that an arrival finds all c servers busy, at offered load a = λS (< c). */
export function erlangC(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  // Erlang B by its stable recurrence, then C from B.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

/** Mean wait in the queue (seconds) of an M/M/c queue: λ per second, service S seconds, c servers; Infinity at ρ ≥ 1. */
export function mmcWait(lambda: number, service: number, c: number): number {
  const a = lambda * service;
  if (a >= c) return Number.POSITIVE_INFINITY;
  return (erlangC(c, a) * service) / (c - a);
}

/** Allen–Cunneen's G/G/c mean wait from M/M/c's and the two variabilities. */
export function ggcWait(lambda: number, service: number, c: number, ca2: number, cs2: number): number {
  const w = mmcWait(lambda, service, c);
  return Number.isFinite(w) ? ((ca2 + cs2) / 2) * w : w;
}

/** A queue of the open model: c servers each holding a request for `service` seconds. */
export interface OpenQueue {
  readonly name: string;
  readonly servers: number;
  readonly service: number;
}

export interface OpenModel {
  readonly queues: readonly OpenQueue[];
  /** Time a request spends without holding a server: waits, the network, the client's own work. */
  readonly delay: number;
  /** Most requests per second: the slowest queue, the shared cores, or the client's connections. */
  readonly capacity: number;
  /** What sets the capacity. */
  readonly bottleneck: string;
}

/**
 * The model's queues in an open loop, from its demands. The cores bound the throughput as in the closed
 * loop; so does the client: with at most `maxInflight` requests in flight, each taking the unloaded time,
 * it cannot send faster than maxInflight / that time (Little's law).
 */
export function openModel(shape: ModelShape, d: Demands, cores: number, maxInflight: number): OpenModel | null {
  const cpu = d.serverCpu;
  let queues: OpenQueue[];
  let delay = d.clientCpu;
  switch (shape.model) {
    case 'sequential':
      queues = [{ name: 'thread', servers: 1, service: cpu + d.wait }];
      break;
    case 'event-loop':
    case 'fastify':
    case 'baseline':
      queues = [{ name: 'event loop', servers: 1, service: cpu }];
      delay += d.wait;
      break;
    case 'thread-per-request':
      queues = [{ name: 'threads', servers: Math.max(1, shape.threads ?? cores), service: cpu + d.wait }];
      break;
    case 'process-per-request':
      queues = [{ name: 'processes', servers: Math.max(1, shape.processes ?? cores), service: cpu + d.wait }];
      break;
    case 'cluster':
      queues = [{ name: 'event loops', servers: Math.max(1, Math.min(shape.processes ?? cores, Math.round(cores))), service: cpu }];
      delay += d.wait;
      break;
    case 'worker-pool':
      queues = [
        { name: 'main thread', servers: 1, service: d.overheadCpu },
        { name: 'pool threads', servers: Math.max(1, shape.threads ?? cores), service: cpu - d.overheadCpu + d.wait },
      ];
      break;
    default:
      return null;
  }
  queues = queues.filter((q) => q.service > 0);
  const limits: [string, number][] = queues.map((q) => [q.name, q.servers / q.service]);
  if (cpu + d.clientCpu > 0) limits.push(['cores', cores / (cpu + d.clientCpu)]);
  const unloaded = delay + queues.reduce((acc, q) => acc + q.service, 0);
  if (unloaded > 0) limits.push(['the client’s connections', maxInflight / unloaded]);
  const [bottleneck, capacity] = limits.reduce((best, l) => (l[1] < best[1] ? l : best), ['none', Number.POSITIVE_INFINITY]);
  return { queues, delay, capacity, bottleneck };
}

export interface OpenPrediction {
  readonly rate: number;
  /** Requests per second answered: the offered rate, or the capacity when above it. */
  readonly rps: number;
  /** Corrected mean latency (µs): steady state below capacity, the window's mean of a growing queue above. */
  readonly meanLatencyUs: number;
  readonly saturated: boolean;
}

export interface OpenWindow {
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

/**
 * The wait a queue that started empty can have built t seconds later from chance alone (Brownian
 * approximation of the work in the queue: variance λS²(ca² + cs²) per second, drained by c servers): the
 * steady state near saturation takes far longer than a window to reach, so a window sees at most this much.
 */
export function transientWait(lambda: number, service: number, servers: number, ca2: number, cs2: number, t: number): number {
  return Math.sqrt((2 * lambda * service * service * (ca2 + cs2) * t) / Math.PI) / servers;
}

/**
 * Mean corrected latency at offered rate λ, for arrivals of variability ca² and services of variability cs²:
 * each queue waits the steady state's Wq, but never more than a window can build (transientWait); past the
 * capacity, the fluid growth of the queue comes on top. Continuous in λ: the prediction does not jump at the
 * capacity.
 */
export function predictOpen(model: OpenModel, rate: number, ca2: number, cs2: number, window: OpenWindow): OpenPrediction {
  const unloaded = model.delay + model.queues.reduce((acc, q) => acc + q.service, 0);
  const t = window.warmupSeconds + window.durationSeconds / 2;
  const offered = Math.min(rate, model.capacity);
  const waits = model.queues.reduce((acc, q) => acc + Math.min(ggcWait(offered, q.service, q.servers, ca2, cs2), transientWait(offered, q.service, q.servers, ca2, cs2, t)), 0);
  if (rate >= model.capacity) {
    const growth = rate / model.capacity - 1;
    return { rate, rps: model.capacity, meanLatencyUs: (unloaded + waits + growth * t) * 1e6, saturated: true };
  }
  return { rate, rps: rate, meanLatencyUs: (unloaded + waits) * 1e6, saturated: false };
}

/**
 * The squared coefficient of variation of a latency distribution (variance over mean squared), from its
 * percentile points by the trapezoid rule on the quantile function: how variable one request's time is when
 * it never queues (the 1-client case). Null without points.
 */
export function variability(points: readonly DistributionPoint[]): number | null {
  const sorted = [...points].sort((a, b) => a.percentile - b.percentile);
  let m1 = 0;
  let m2 = 0;
  let mass = 0;
  for (let i = 1; i < sorted.length; i++) {
    const lo = sorted[i - 1];
    const hi = sorted[i];
    if (lo === undefined || hi === undefined) continue;
    const p = (hi.percentile - lo.percentile) / 100;
    const x = (lo.us + hi.us) / 2;
    m1 += p * x;
    m2 += p * x * x;
    mass += p;
  }
  if (!(mass > 0) || !(m1 > 0)) return null;
  const mean = m1 / mass;
  return Math.max(0, m2 / mass / (mean * mean) - 1);
}

/** The arrivals' variability: evenly spaced gaps vary not at all, Poisson gaps (exponential) by 1. */
export const arrivalsVariability = (arrivals: 'constant' | 'poisson' | undefined): number => (arrivals === 'poisson' ? 1 : 0);

export interface OpenCurve {
  readonly model: string;
  readonly workload: string;
  readonly capacity: number;
  readonly bottleneck: string;
  /** The services' variability used (from the 1-client case, at most 1). */
  readonly cs2: number;
  readonly points: readonly OpenPrediction[];
}

/** The prediction of one model and workload in an open run, at the given rates; null without its 1-client case. */
export function openCurve(results: Results, model: string, workload: string, modelParams: Readonly<Record<string, number>>, rates: readonly number[]): OpenCurve | null {
  const demands = caseDemands(results, model, workload);
  if (demands === null) return null;
  const o = results.options;
  const net = openModel(shapeOf({ model, modelParams }), demands, runCores(results), o.maxInflight ?? 64);
  if (net === null) return null;
  const base = findCase(results.cases, model, workload, 1);
  // Services vary at most as much as exponential ones in the textbook models (cs² ≤ 1).
  const cs2 = Math.min(1, base?.status === 'ok' ? (variability(base.distribution) ?? 1) : 1);
  const ca2 = arrivalsVariability(o.arrivals);
  const window = { warmupSeconds: o.warmupSeconds, durationSeconds: o.durationSeconds };
  return { model, workload, capacity: net.capacity, bottleneck: net.bottleneck, cs2, points: rates.map((r) => predictOpen(net, r, ca2, cs2, window)) };
}

/** Every ok open case with its prediction. */
export function predictOpenCases(results: Results): Map<CaseResult, OpenPrediction> {
  const out = new Map<CaseResult, OpenPrediction>();
  for (const c of results.cases) {
    if (c.status !== 'ok' || c.mode !== 'open' || c.targetRate === undefined) continue;
    const point = openCurve(results, c.model, c.workload, c.modelParams, [c.targetRate])?.points[0];
    if (point !== undefined) out.set(c, point);
  }
  return out;
}
