import { iterationsFor, type Calibration } from '../machine/calibration.js';
import { isOneOf } from '../../lib/guards.js';
import { workloadKey } from '../../results/workload-key.js';
import { sentence } from '../../lib/lang/sentences.js';

export const WORKLOAD_NAMES = ['hello', 'cpu', 'io', 'mixed', 'static', 'csv', 'session', 'ws-echo', 'ws-chat'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/**
 * What the default and full profiles run: every HTTP workload but `session`, which is a lesson about state, not
 * speed (run it with --workloads session), and would only lengthen the default run. The WebSocket workloads are
 * the course's last lesson: the `course` profile runs ws-echo, and ws-chat needs a rate (--rate).
 */
export const DEFAULT_WORKLOADS: readonly WorkloadName[] = ['hello', 'cpu', 'io', 'mixed', 'static', 'csv'];

/**
 * How a workload talks to the server: HTTP requests, WebSocket messages echoed in a closed loop (ws-echo), or chat
 * messages published to a room at a rate, every member receiving each (ws-chat, an open loop).
 */
export type Protocol = 'http' | 'ws-echo' | 'ws-chat';

export interface Workload {
  /** The workload's key in the results: its name, or `<name>+hold<N>` with N idle WebSocket connections held (--hold). */
  readonly name: string;
  readonly base: WorkloadName;
  readonly protocol: Protocol;
  /** Idle WebSocket connections held open through every trial (--hold): 0 for none. */
  readonly hold: number;
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

export { workloadKey };

/** The workloads, with CPU work turned into iterations at the run's calibration, and `hold` idle connections beside. */
export function buildWorkload(name: WorkloadName, calibration: Pick<Calibration, 'iterationsPerMs'>, hold = 0): Workload {
  const base = baseWorkload(name, calibration);
  const protocol: Protocol = name === 'ws-echo' || name === 'ws-chat' ? name : 'http';
  if (hold === 0) return { ...base, base: name, protocol, hold };
  return { ...base, name: workloadKey(name, hold), base: name, protocol, hold, description: sentence(`workload.${name}.held`, { hold }) };
}

type BaseWorkload = Omit<Workload, 'base' | 'protocol' | 'hold'>;

/**
 * What a workload asks of the server: the catalogue's text (workload.<name>.description in lib/lang), in English as
 * results keep it, remembered with its key. It states the paths' figures below (cpu: 2 ms; io: 20 ms; mixed: 1 ms
 * then 10 ms): change both together.
 */
const description = (name: WorkloadName): string => sentence(`workload.${name}.description`);

function baseWorkload(name: WorkloadName, calibration: Pick<Calibration, 'iterationsPerMs'>): BaseWorkload {
  switch (name) {
    case 'hello':
      return { name, description: description(name), paths: ['/'] };
    case 'cpu':
      return { name, description: description(name), paths: [`/work?cpu=${iterationsFor(2, calibration)}`] };
    case 'io':
      return { name, description: description(name), paths: ['/work?io=20'] };
    case 'mixed':
      return { name, description: description(name), paths: [`/work?cpu=${iterationsFor(1, calibration)}&io=10`] };
    case 'static':
      return { name, description: description(name), paths: ['/static/about.html'] };
    case 'csv':
      return {
        name,
        description: description(name),
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
        description: description(name),
        paths: ['/visits'],
        session: true,
      };
    case 'ws-echo':
      return { name, description: description(name), paths: ['/ws/echo'] };
    case 'ws-chat':
      return { name, description: description(name), paths: ['/ws/chat'] };
  }
}
