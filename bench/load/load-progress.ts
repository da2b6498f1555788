/**
 * Progress of a load while it runs, for the live view: every tick, the answers and errors since the last tick
 * and their latencies. The drivers call record() per answer: two additions and an HDR record into a histogram
 * allocated once, so the load pays nothing it did not pay already. The histogram is reset after each tick.
 */
import type { Histogram } from 'hdr-histogram-js';
import { newLatencyHistogram } from './latency.js';

/** How often a running load reports (the live view wants a sample every 250–500 ms). */
export const TICK_MS = 250;

/** 'ramp': the warm-up is over but some clients have had no answer yet, so the window waits (closed loop). */
export type LoadStage = 'warmup' | 'ramp' | 'window' | 'drain';

export interface LoadTick {
  /** Seconds since the load started (the warm-up's start). */
  readonly elapsedSeconds: number;
  /** Seconds since the previous tick. */
  readonly intervalSeconds: number;
  readonly stage: LoadStage;
  readonly responses: number;
  readonly errors: number;
  /** Latencies (µs) of the answers since the previous tick. Valid during the call only: it is reset after. */
  readonly histogram: Histogram;
}

export type LoadProgress = (tick: LoadTick) => void;

export interface Ticker {
  record(latencyUs: number): void;
  error(): void;
  /** Sends what is left since the last tick, and stops. */
  stop(): void;
}

/**
 * Ticks every TICK_MS while the load runs. `stageAt` says where a time (performance.now) falls in the trial.
 * The timer is unref'd: a forgotten ticker never holds the process open.
 */
export function startTicker(onProgress: LoadProgress, t0: number, stageAt: (now: number) => LoadStage, tickMs: number = TICK_MS): Ticker {
  const histogram = newLatencyHistogram();
  let responses = 0;
  let errors = 0;
  let last = t0;
  let stopped = false;
  const tick = (): void => {
    const now = performance.now();
    try {
      onProgress({ elapsedSeconds: (now - t0) / 1000, intervalSeconds: (now - last) / 1000, stage: stageAt(now), responses, errors, histogram });
    } finally {
      // A listener that throws must not stop the load or count the same answers twice.
      last = now;
      responses = 0;
      errors = 0;
      histogram.reset();
    }
  };
  const timer = setInterval(tick, tickMs);
  timer.unref();
  return {
    record(latencyUs) {
      responses += 1;
      histogram.recordValue(latencyUs);
    },
    error() {
      errors += 1;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (performance.now() - last > 20) tick();
    },
  };
}

/** What both load drivers are told of a trial: where, what, its three phases, and who listens. */
export interface LoadWindow {
  readonly url: string;
  readonly paths: readonly string[];
  /** Load before the window, not recorded: connections open, queues fill, the loop reaches its steady state. */
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  /** How long the drain may last after the window before the remaining requests are censored (or dropped). */
  readonly maxDrainSeconds: number;
  /** A request without an answer after this long counts as a timeout. */
  readonly timeoutSeconds?: number;
  /** Called when the measured window begins and ends (to sample the server and the machine exactly then). */
  readonly onWindowStart?: () => void;
  readonly onWindowEnd?: () => void;
  /** The live view: answers, errors and latencies every few hundred ms, for the whole load (warm-up and drain too). */
  readonly onProgress?: LoadProgress;
  /** How often onProgress is called (TICK_MS unless told: a server's warm-up watches its pace more closely). */
  readonly tickMs?: number;
  /** Every request on a new connection: the server closes after each answer. */
  readonly newConnections?: boolean;
}
