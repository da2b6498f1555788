/**
 * A trial's timeline as the results file stores it, and as readers use it. Readers want slices
 * (`{ t, phase, answers, … }`); the file stores the same fields as columns, one list per field, slice i starting at
 * i × sliceMs and the phases as runs of slices, each timeline on one line: a default run has about 2,750 slices, and
 * the same fields written per slice, indented, doubled its file (as columns on one line: about a quarter more).
 * `slicesOf` gives the slices back; `timelineOf` makes the columns.
 */
import type { Timeline } from './schema.js';

export type SlicePhase = 'warmup' | 'window' | 'drain';

export interface TimelineSlice {
  /** Seconds from the load's start to the slice's start. */
  readonly t: number;
  readonly phase: SlicePhase;
  /** Answers and errors completed in the slice (throughput: answers / sliceMs). */
  readonly answers: number;
  readonly errors: number;
  /** Latency of the slice's answers (0 when it had none). */
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  /** Requests sent and not yet answered at the slice's end. */
  readonly inFlight: number;
  /** The server's tree over the slice (null: not sampled, a remote server, or a server that was gone). */
  readonly serverCpuPercent: number | null;
  readonly serverRssBytes: number | null;
}

/** What the load process knows of a slice (bench/load/timeline.ts); the bench adds the server's CPU and memory. */
export type LoadSlice = Omit<TimelineSlice, 'serverCpuPercent' | 'serverRssBytes'>;

/** The columns as stored (results/schema.ts TimelineSchema). */
export type StoredTimeline = Timeline;

export function timelineOf(sliceMs: number, window: { readonly startSeconds: number | null; readonly endSeconds: number | null }, slices: readonly TimelineSlice[], truncated = false, lastSliceMs = sliceMs): StoredTimeline {
  const phases: [SlicePhase, number][] = [];
  for (const s of slices) {
    const last = phases[phases.length - 1];
    if (last !== undefined && last[0] === s.phase) last[1] += 1;
    else phases.push([s.phase, 1]);
  }
  return {
    sliceMs,
    windowStartSeconds: window.startSeconds,
    windowEndSeconds: window.endSeconds,
    ...(truncated ? { truncated } : {}),
    ...(lastSliceMs < sliceMs ? { lastSliceMs } : {}),
    phases,
    answers: slices.map((s) => s.answers),
    errors: slices.map((s) => s.errors),
    p50Us: slices.map((s) => s.p50Us),
    p99Us: slices.map((s) => s.p99Us),
    maxUs: slices.map((s) => s.maxUs),
    inFlight: slices.map((s) => s.inFlight),
    serverCpuPercent: slices.map((s) => s.serverCpuPercent),
    serverRssBytes: slices.map((s) => s.serverRssBytes),
  };
}

export function slicesOf(timeline: StoredTimeline): TimelineSlice[] {
  const phase = timeline.phases.flatMap(([p, n]) => Array.from({ length: n }, () => p));
  return timeline.answers.map((answers, i) => ({
    t: Math.round(i * timeline.sliceMs) / 1000,
    phase: phase[i] ?? 'drain',
    answers,
    errors: timeline.errors[i] ?? 0,
    p50Us: timeline.p50Us[i] ?? 0,
    p99Us: timeline.p99Us[i] ?? 0,
    maxUs: timeline.maxUs[i] ?? 0,
    inFlight: timeline.inFlight[i] ?? 0,
    serverCpuPercent: timeline.serverCpuPercent[i] ?? null,
    serverRssBytes: timeline.serverRssBytes[i] ?? null,
  }));
}
