import { CORE_MODELS, MODEL_NAMES, type ModelName } from '../../servers/catalogue.js';
import { DEFAULT_WORKLOADS, type WorkloadName } from './workloads.js';
import { isOneOf } from '../../lib/guards.js';

export const PROFILE_NAMES = ['smoke', 'quick', 'default', 'course', 'class', 'full'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** A profile; what it is for, in words, is the catalogue's `opt.profile.<name>` (the help shows it). */
export interface Profile {
  readonly models: readonly ModelName[];
  readonly workloads: readonly WorkloadName[];
  readonly connections: readonly number[];
  /** Measured window of each trial. */
  readonly durationSeconds: number;
  /** Load before each window, not recorded. */
  readonly warmupSeconds: number;
  /** Trials per case (interleaved rounds), fixed before any is measured; at most maxTrials with retries of marked ones. */
  readonly trials: number;
  readonly maxTrials: number;
  /** The run's time budget: marked trials are retried only while the rest of the plan still fits in it. */
  readonly budgetSeconds: number;
  /**
   * Idle WebSocket connections held through every trial, one case per level (0: none), for every workload and
   * number of clients (--hold gives them).
   */
  readonly hold: readonly number[];
  /**
   * When set, the plan is exactly these cells, not every model × workload × clients (the models, workloads and
   * clients above are what they span); `extraCells` are added to the whole matrix. Explicit --models, --workloads,
   * --connections or --hold make the matrix again.
   */
  readonly cells?: readonly ProfileCell[];
  readonly extraCells?: readonly ProfileCell[];
}

/** One cell of a profile's own plan: a workload at a number of clients (with idle connections held), its models. */
export interface ProfileCell {
  readonly workload: WorkloadName;
  readonly connections: number;
  readonly hold?: number;
  readonly models: readonly ModelName[];
}

/** Sized for a 2-core machine; the README gives the wall time each one took. */
export const PROFILES = {
  smoke: {
    models: CORE_MODELS,
    workloads: ['hello', 'io'],
    connections: [8],
    durationSeconds: 0.5,
    warmupSeconds: 0.2,
    trials: 2,
    maxTrials: 2,
    budgetSeconds: 60,
    hold: [0],
  },
  quick: {
    models: CORE_MODELS,
    workloads: ['hello', 'cpu', 'io'],
    connections: [1, 16],
    durationSeconds: 0.5,
    warmupSeconds: 0.25,
    trials: 3,
    maxTrials: 5,
    budgetSeconds: 120,
    hold: [0],
  },
  default: {
    models: CORE_MODELS,
    workloads: DEFAULT_WORKLOADS,
    connections: [1, 16, 64],
    durationSeconds: 0.5,
    // The servers are warmed until they settle when they start, and a trial's window opens only once every client
    // has had an answer: a warm-up of its own would only add time (0.1 s here cost 30 s of a run).
    warmupSeconds: 0,
    trials: 4,
    maxTrials: 5,
    // Two runs took 4 min 55 s and 5 min 08 s with the build (docs/measurements.md, December), and with the host in its
    // slow state, every case marked, up to 5 min 39 s at 265 s: the budget bounds the extra trials and retries; the base
    // plan and the reports come on top of what it can foresee.
    budgetSeconds: 240,
    hold: [0],
  },
  course: {
    models: ['event-loop', 'fastify', 'worker-pool', 'thread-per-request', 'process-per-request'],
    workloads: ['hello', 'io', 'ws-echo'],
    connections: [1, 8, 32],
    durationSeconds: 0.5,
    warmupSeconds: 0.25,
    trials: 3,
    maxTrials: 5,
    budgetSeconds: 240,
    hold: [0],
    // What a held connection costs: 200 idle WebSockets beside one client, on the models that hold them in a thread
    // or in a few kilobytes (a process per idle connection would take gigabytes of a student's laptop).
    extraCells: [{ workload: 'ws-echo', connections: 1, hold: 200, models: ['event-loop', 'fastify', 'worker-pool', 'thread-per-request'] }],
  },
  class: {
    models: ['sequential', 'event-loop', 'worker-pool', 'cluster', 'process-per-request', 'thread-per-request'],
    workloads: ['hello', 'io', 'cpu', 'ws-echo'],
    connections: [1, 16, 64],
    durationSeconds: 0.5,
    warmupSeconds: 0,
    trials: 3,
    maxTrials: 4,
    budgetSeconds: 170,
    hold: [0],
    // Each relation's two models in its cell, and the 1-client cases theory stands on for them.
    cells: [
      { workload: 'hello', connections: 1, models: ['event-loop', 'worker-pool', 'process-per-request'] },
      { workload: 'hello', connections: 64, models: ['event-loop', 'worker-pool'] },
      { workload: 'io', connections: 1, models: ['sequential', 'event-loop'] },
      { workload: 'io', connections: 16, models: ['sequential', 'event-loop'] },
      { workload: 'cpu', connections: 1, models: ['event-loop', 'cluster'] },
      { workload: 'cpu', connections: 16, models: ['event-loop', 'cluster'] },
      // A thread per connection costs megabytes: 200 show it. The event loop's few kilobytes a connection need
      // 2,000 to stand out of its memory's noise (200 of them grew it by less than 128 KiB in a loaded CI run).
      { workload: 'ws-echo', connections: 1, hold: 200, models: ['event-loop', 'thread-per-request'] },
      { workload: 'ws-echo', connections: 1, hold: 2000, models: ['event-loop'] },
    ],
  },
  full: {
    models: MODEL_NAMES,
    workloads: [...DEFAULT_WORKLOADS, 'ws-echo'],
    connections: [1, 4, 16, 64, 256],
    durationSeconds: 2,
    warmupSeconds: 1,
    trials: 5,
    maxTrials: 10,
    budgetSeconds: 3600,
    hold: [0],
  },
} as const satisfies Record<ProfileName, Profile>;

export function isProfileName(name: string): name is ProfileName {
  return isOneOf(PROFILE_NAMES, name);
}
