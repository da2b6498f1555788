import { iterationsFor, type Calibration } from '../machine/calibration.js';
import { isOneOf } from '../../lib/guards.js';

export const WORKLOAD_NAMES = ['hello', 'cpu', 'io', 'mixed', 'static', 'csv', 'session'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/**
 * What the default and full profiles run: every workload but `session`, which is a lesson about state, not
 * speed (run it with --workloads session), and would only lengthen the default run.
 */
export const DEFAULT_WORKLOADS: readonly WorkloadName[] = WORKLOAD_NAMES.filter((w) => w !== 'session');

export interface Workload {
  readonly name: WorkloadName;
  readonly description: string;
  /** Request paths; a connection sends them in turn, round and round (autocannon's request sequence). */
  readonly paths: readonly string[];
  /**
   * Each client keeps its own cookie, every request goes on a new connection, and the answers are checked for
   * lost updates (a visit count that is not the client's previous + 1).
   */
  readonly session?: boolean;
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
    case 'session':
      // A new connection per visit, always: with keep-alive a client stays on the cluster process that made its
      // cookie, and local sessions would look right. A browser's next page often comes on a new connection too.
      return {
        name,
        description:
          "GET /visits, the course's cookie counter: every client keeps its own cookie and sends each visit on a new connection; an answer whose count is not that client's previous + 1 is a lost update",
        paths: ['/visits'],
        session: true,
      };
  }
}
