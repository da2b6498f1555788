/**
 * A trial as a timeline: per slice of its load (100 ms unless the load is long), the answers and errors that
 * completed in it, the p50 / p99 / max latency of those answers, and the requests in flight at its end. The drivers
 * feed it through their ticker (bench/load/load-progress.ts): one HDR record per answer into a histogram allocated
 * once and reset at each slice's end, so a timeline costs the load what the live view already did.
 *
 * A slice belongs to the phase its middle falls in (the warm-up and the ramp are both `warmup`); the window's exact
 * edges are kept too, so a page can shade exactly the window.
 */
import type { Histogram } from 'hdr-histogram-js';
import { newLatencyHistogram } from './latency.js';
import type { LoadStage } from './load-progress.js';

import type { LoadSlice, SlicePhase } from '../../results/timeline.js';

export interface LoadTimeline {
  /** When the load started, in ms since the epoch (this machine's clock): the bench aligns its samples on it. */
  readonly startEpochMs: number;
  readonly sliceMs: number;
  /** The window's edges in seconds from the load's start (null: it never opened, or never closed). */
  readonly windowStartSeconds: number | null;
  readonly windowEndSeconds: number | null;
  readonly slices: readonly LoadSlice[];
  /** Slices were dropped past MAX_SLICES (a load far longer than it was planned). */
  readonly truncated: boolean;
  /** How long the last slice lasted (the load ended inside it): its rate is its answers over this, not over sliceMs. */
  readonly lastSliceMs: number;
}

/** A bound on a trial's slices: a results file stays a few MB however long the trials (10 min at 100 ms). */
export const MAX_SLICES = 6000;
export const SLICE_MS = 100;

/** The slice width for a load planned to last about `seconds`: 100 ms, wider only past MAX_SLICES. */
export function sliceMsFor(seconds: number): number {
  return SLICE_MS * Math.max(1, Math.ceil((seconds * 1000) / SLICE_MS / MAX_SLICES));
}

export interface TimelineRecorder {
  record(latencyUs: number): void;
  error(): void;
  /** Closes the slices up to now and returns them (nothing is recorded after). */
  finish(window: { readonly startMs: number | null; readonly endMs: number | null }): LoadTimeline;
}

export function phaseOf(stage: LoadStage): SlicePhase {
  return stage === 'ramp' ? 'warmup' : stage;
}

/**
 * `t0` and `now()` on the driver's clock (performance.now, or a test's); `stageAt` says where a time falls;
 * `inFlight` how many requests wait for their answer now.
 */
export function startTimeline(t0: number, sliceMs: number, stageAt: (time: number) => LoadStage, inFlight: () => number, now: () => number = () => performance.now()): TimelineRecorder {
  const startEpochMs = performance.timeOrigin + t0;
  const histogram: Histogram = newLatencyHistogram();
  const slices: LoadSlice[] = [];
  let current = 0;
  let answers = 0;
  let errors = 0;
  let truncated = false;
  let finished = false;
  let lastSliceMs = sliceMs;

  /** Closes every slice before `index` (the empty ones too: a stall shows as zeros, not as a gap). */
  const closeUpTo = (index: number): void => {
    while (current < index) {
      if (slices.length < MAX_SLICES) {
        const start = t0 + current * sliceMs;
        const some = histogram.totalCount > 0;
        slices.push({
          t: Math.round(current * sliceMs) / 1000,
          phase: phaseOf(stageAt(start + sliceMs / 2)),
          answers,
          errors,
          p50Us: some ? Math.min(histogram.getValueAtPercentile(50), histogram.maxValue) : 0,
          p99Us: some ? Math.min(histogram.getValueAtPercentile(99), histogram.maxValue) : 0,
          maxUs: some ? histogram.maxValue : 0,
          inFlight: inFlight(),
        });
      } else truncated = true;
      if (answers > 0) histogram.reset();
      answers = 0;
      errors = 0;
      current += 1;
    }
  };
  const indexNow = (): number => Math.max(0, Math.floor((now() - t0) / sliceMs));
  // Slices close on time even when nothing arrives (a stalled or dead server): in flight is read at their end.
  const timer = setInterval(() => {
    closeUpTo(indexNow());
  }, sliceMs);
  timer.unref();
  return {
    record(latencyUs) {
      if (finished) return;
      closeUpTo(indexNow());
      answers += 1;
      histogram.recordValue(latencyUs);
    },
    error() {
      if (finished) return;
      closeUpTo(indexNow());
      errors += 1;
    },
    finish(window) {
      if (!finished) {
        finished = true;
        clearInterval(timer);
        // The last slice is partial: it is kept when anything happened in it.
        const last = indexNow();
        closeUpTo(last);
        const partial = now() - (t0 + last * sliceMs);
        if (answers > 0 || errors > 0) {
          closeUpTo(last + 1);
          lastSliceMs = Math.max(1, Math.min(sliceMs, Math.round(partial)));
        }
      }
      const seconds = (ms: number | null): number | null => (ms === null || !Number.isFinite(ms) ? null : Math.round(ms - t0) / 1000);
      return { startEpochMs, sliceMs, windowStartSeconds: seconds(window.startMs), windowEndSeconds: seconds(window.endMs), slices, truncated, lastSliceMs };
    },
  };
}
