import { MODEL_NAMES, type ModelName } from '../servers/catalogue.js';
import { WORKLOAD_NAMES, type WorkloadName } from './workloads.js';
import { isOneOf } from '../lib/guards.js';

export const PROFILE_NAMES = ['smoke', 'quick', 'default', 'full'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface Profile {
  readonly description: string;
  readonly models: readonly ModelName[];
  readonly workloads: readonly WorkloadName[];
  readonly connections: readonly number[];
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly repeats: number;
}

/** Sized for a 2-core machine; the README gives the wall time each one took. */
export const PROFILES = {
  smoke: {
    description: 'a check that everything runs (CI): two workloads, one level of clients',
    models: MODEL_NAMES,
    workloads: ['hello', 'io'],
    connections: [8],
    durationSeconds: 1,
    warmupSeconds: 0.2,
    repeats: 1,
  },
  quick: {
    description: 'a first look: three workloads, few and many clients',
    models: MODEL_NAMES,
    workloads: ['hello', 'cpu', 'io'],
    connections: [1, 16],
    durationSeconds: 2,
    warmupSeconds: 0.5,
    repeats: 1,
  },
  default: {
    description: 'every model and workload at 1, 4, 16 and 64 clients',
    models: MODEL_NAMES,
    workloads: WORKLOAD_NAMES,
    connections: [1, 4, 16, 64],
    durationSeconds: 1,
    warmupSeconds: 0.5,
    repeats: 1,
  },
  full: {
    description: 'careful runs: longer, more clients, three repeats',
    models: MODEL_NAMES,
    workloads: WORKLOAD_NAMES,
    connections: [1, 4, 16, 64, 256],
    durationSeconds: 5,
    warmupSeconds: 2,
    repeats: 3,
  },
} as const satisfies Record<ProfileName, Profile>;

export function isProfileName(name: string): name is ProfileName {
  return isOneOf(PROFILE_NAMES, name);
}
