/**
 * The paced scheduler of the open loop: requests are planned at a rate, whatever the server does, and each
 * is sent at its planned time on a free connection. A request whose time comes while every connection is
 * busy waits in a queue of the client and goes out on the next free one: it is counted as late, and its
 * latency still counts from its planned time (wrk2's correction of coordinated omission). No planned request
 * is ever skipped: one that never found a connection before the end is counted as dropped by the caller.
 *
 * Pure of time: the clock is given (tests drive it by hand), and so is what a send does.
 */

export type Arrivals = 'constant' | 'poisson';
export const ARRIVALS: readonly Arrivals[] = ['constant', 'poisson'];

/** The scheduler's view of time: milliseconds, and a one-shot timer. */
export interface Clock {
  now(): number;
  /** Calls `fn` at `at` (or as soon as possible after); returns a cancel function. */
  at(at: number, fn: () => void): () => void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  at: (at, fn) => {
    const timer = setTimeout(fn, Math.max(0, at - performance.now()));
    return () => {
      clearTimeout(timer);
    };
  },
};

/**
 * Gaps between planned sends, in ms: constant spacing, or exponential gaps of the same mean (a Poisson
 * process: arrivals of independent users). `random` gives uniform numbers in [0, 1).
 */
export function nextGap(rate: number, arrivals: Arrivals, random: () => number): number {
  const mean = 1000 / rate;
  return arrivals === 'constant' ? mean : -Math.log(1 - random()) * mean;
}

export interface ScheduleOptions {
  /** Requests per second, over all connections. */
  readonly rate: number;
  readonly arrivals: Arrivals;
  readonly random: () => number;
  /** Most requests in flight at once: the connections the client may use. */
  readonly maxInflight: number;
  /** Time of the first planned send (ms on the clock). */
  readonly startAt: number;
  /** Requests are planned before this time only. */
  readonly planUntil: number;
  readonly clock: Clock;
  /**
   * Sends one request; resolves when its answer is complete (or it failed). `waited` says it found no free
   * connection at its planned time.
   */
  send(plannedAt: number, sentAt: number, waited: boolean): Promise<void>;
}

export interface Schedule {
  /** Requests planned so far. */
  readonly planned: number;
  readonly sent: number;
  readonly inflight: number;
  /** Planned times of the requests still waiting for a connection. */
  waiting(): readonly number[];
  /** The next planned time not yet released (Infinity when the plan is over). */
  readonly nextPlannedAt: number;
  /** Plans no more requests, and sends no more of the waiting ones. */
  stop(): void;
}

export function startSchedule(options: ScheduleOptions): Schedule {
  const { clock, maxInflight } = options;
  /** Planned requests not yet sent, oldest first; `waited` once one found every connection busy. */
  const queue: { plannedAt: number; waited: boolean }[] = [];
  let head = 0;
  /** Queue items before this index are already marked as waited: each is marked once, not on every dispatch. */
  let markedTo = 0;
  let next = options.startAt;
  let planned = 0;
  let sent = 0;
  let inflight = 0;
  let stopped = false;
  let cancelTimer: (() => void) | null = null;

  const dispatch = (): void => {
    const now = clock.now();
    while (!stopped && inflight < maxInflight && head < queue.length) {
      const item = queue[head];
      head += 1;
      if (item === undefined) break;
      inflight += 1;
      sent += 1;
      void options.send(item.plannedAt, now, item.waited).finally(() => {
        inflight -= 1;
        dispatch();
      });
    }
    // The queue's front is reused, not shifted: shifting a long queue on every send costs O(n).
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      markedTo = Math.max(0, markedTo - head);
      head = 0;
    }
    // Whatever is left found every connection busy (only the newly queued need marking: O(1) per request).
    for (let i = Math.max(head, markedTo); i < queue.length; i++) {
      const item = queue[i];
      if (item !== undefined) item.waited = true;
    }
    markedTo = queue.length;
  };

  const wake = (): void => {
    cancelTimer = null;
    if (stopped) return;
    const now = clock.now();
    // Catch up: every request planned up to now is released, in order (a late timer releases several).
    while (next <= now && next < options.planUntil) {
      queue.push({ plannedAt: next, waited: false });
      planned += 1;
      next += nextGap(options.rate, options.arrivals, options.random);
    }
    dispatch();
    if (next < options.planUntil) cancelTimer = clock.at(next, wake);
  };

  cancelTimer = clock.at(next, wake);
  return {
    get planned() {
      return planned;
    },
    get sent() {
      return sent;
    },
    get inflight() {
      return inflight;
    },
    waiting: () => queue.slice(head).map((q) => q.plannedAt),
    get nextPlannedAt() {
      return next < options.planUntil && !stopped ? next : Number.POSITIVE_INFINITY;
    },
    stop: () => {
      stopped = true;
      cancelTimer?.();
      cancelTimer = null;
    },
  };
}
