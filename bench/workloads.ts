import { iterationsFor, type Calibration } from './calibration.js';
import { isOneOf } from '../lib/guards.js';

export const WORKLOAD_NAMES = ['hello', 'cpu', 'io', 'mixed', 'static', 'csv'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export interface Workload {
  readonly name: WorkloadName;
  readonly description: string;
  /** Request paths; a connection sends them in turn, round and round (autocannon's request sequence). */
  readonly paths: readonly string[];
}

/** Only these workloads run on the reference baseline, which answers nothing but `/`. */
export const BASELINE_WORKLOADS: readonly WorkloadName[] = ['hello'];

export function isWorkloadName(name: string): name is WorkloadName {
  return isOneOf(WORKLOAD_NAMES, name);
}

/** The workloads, with CPU work turned into iterations at the run's calibration. */
export function buildWorkload(name: WorkloadName, calibration: Pick<Calibration, 'iterationsPerMs'>): Workload {
  switch (name) {
    case 'hello':
      return { name, description: 'GET / — the smallest answer: the cost of the model itself', paths: ['/'] };
    case 'cpu':
      return { name, description: 'about 2 ms of CPU work per request (PBKDF2)', paths: [`/work?cpu=${iterationsFor(2, calibration)}`] };
    case 'io':
      return { name, description: 'a 20 ms wait per request (as for a database), no CPU', paths: ['/work?io=20'] };
    case 'mixed':
      return { name, description: 'about 1 ms of CPU, then a 10 ms wait', paths: [`/work?cpu=${iterationsFor(1, calibration)}&io=10`] };
    case 'static':
      return { name, description: 'a file of the static site, read from disk on every request', paths: ['/static/about.html'] };
    case 'csv':
      return {
        name,
        description: "the CSV API: a fixed mix of the course's list and detail routes",
        paths: [
          '/api/associations',
          '/api/association/17',
          '/api/evenement/4242',
          '/api/association/42/evenements',
          '/api/associations/type/BDE',
          '/api/evenement/29999',
        ],
      };
  }
}
