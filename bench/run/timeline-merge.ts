/**
 * A trial's timeline whole: the load's slices (bench/load/timeline.ts) with the server's CPU and memory over each,
 * from the trace sampled beside it (bench/machine/server-trace.ts). Both clocks are this machine's epoch clock.
 */
import type { LoadTimeline } from '../load/timeline.js';
import type { TracePoint } from '../machine/server-trace.js';
import { timelineOf, type StoredTimeline, type TimelineSlice } from '../../results/timeline.js';

/** The trace's CPU total at `epochMs`, between the two samples around it; null outside the samples. */
function cpuAt(trace: readonly TracePoint[], epochMs: number): number | null {
  const after = trace.findIndex((p) => p.epochMs >= epochMs);
  if (after === -1) return null;
  const next = trace[after];
  if (next === undefined) return null;
  if (next.epochMs === epochMs) return next.cpuMs;
  const before = trace[after - 1];
  if (before === undefined) return null;
  return before.cpuMs + ((next.cpuMs - before.cpuMs) * (epochMs - before.epochMs)) / (next.epochMs - before.epochMs);
}

/** The memory read last before `epochMs`, if it was read within `staleMs` of it. */
function rssAt(trace: readonly TracePoint[], epochMs: number, staleMs: number): number | null {
  let found: TracePoint | undefined;
  for (const p of trace) {
    if (p.epochMs > epochMs) break;
    found = p;
  }
  return found === undefined || epochMs - found.epochMs > staleMs ? null : found.rssBytes;
}

export function mergeTimeline(load: LoadTimeline, trace: readonly TracePoint[] | null): StoredTimeline {
  const slices: TimelineSlice[] = load.slices.map((s) => {
    const start = load.startEpochMs + s.t * 1000;
    const end = start + (s === load.slices[load.slices.length - 1] ? load.lastSliceMs : load.sliceMs);
    const from = trace === null ? null : cpuAt(trace, start);
    const to = trace === null ? null : cpuAt(trace, end);
    return {
      ...s,
      serverCpuPercent: from === null || to === null ? null : Math.round(Math.max(0, ((to - from) / (end - start)) * 100)),
      serverRssBytes: trace === null ? null : rssAt(trace, end, 3 * load.sliceMs),
    };
  });
  return timelineOf(load.sliceMs, { startSeconds: load.windowStartSeconds, endSeconds: load.windowEndSeconds }, slices, load.truncated, load.lastSliceMs);
}
