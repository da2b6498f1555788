/**
 * One trial's load from several agents, made one: the clients (closed loop) or the rate (open loop) split among
 * them in proportion to their weights (their cores), and their outcomes merged. Counts add up; the latency
 * histograms merge exactly (the merged count is the sum of the agents'); throughput is the sum of the agents' rates
 * (each over its own window: the windows open within milliseconds of each other, not at one instant). A timeline's
 * slices are aligned on the machine's clock and added; a merged slice's p99 is the largest of the agents' (the
 * merged p99 cannot exceed it), its p50 their answers-weighted mean (an estimate: the slices' histograms stay with
 * the agents).
 */
import type { Histogram } from 'hdr-histogram-js';
import { newLatencyHistogram } from '../load/latency.js';
import type { LoadOutcome } from '../load/closed-loop.js';
import type { OpenLoadOutcome } from '../load/open-loop.js';
import type { LoadTimeline } from '../load/timeline.js';
import type { ClientCpu } from '../load/load-host.js';
import type { LoadSlice, SlicePhase } from '../../results/timeline.js';

/** `total` split in proportion to `weights` (largest remainders), each share a whole number; shares add up to total. */
export function splitAmong(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, w) => a + w, 0);
  if (weights.length === 0 || !(sum > 0)) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, s) => a + s, 0);
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left -= 1;
  }
  return shares;
}

/** A rate split in proportion to `weights`, to a thousandth of a request per second. */
export function splitRate(rate: number, weights: readonly number[]): number[] {
  return splitAmong(Math.round(rate * 1000), weights).map((r) => r / 1000);
}

function mergedHistogram(parts: readonly Histogram[]): Histogram {
  const merged = newLatencyHistogram();
  for (const h of parts) merged.add(h);
  return merged;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0);

/** The window both rates are over: the sum of the agents' rates, as a duration for the sum of their answers. */
function mergedDuration(parts: readonly { readonly responses: number; readonly durationSeconds: number }[]): number {
  const rate = sum(parts.map((p) => p.responses / p.durationSeconds));
  const answers = sum(parts.map((p) => p.responses));
  return answers > 0 && rate > 0 ? answers / rate : Math.max(0.001, ...parts.map((p) => p.durationSeconds));
}

function phaseAt(mid: number, start: number | null, end: number | null): SlicePhase {
  if (start === null || mid < start) return 'warmup';
  return end === null || mid < end ? 'window' : 'drain';
}

/** The agents' timelines on one clock: slices at the same time add up. */
export function mergeTimelines(parts: readonly LoadTimeline[]): LoadTimeline {
  const first = parts[0];
  if (first === undefined) return { startEpochMs: Date.now(), sliceMs: 100, windowStartSeconds: null, windowEndSeconds: null, slices: [], truncated: false, lastSliceMs: 100 };
  const sliceMs = first.sliceMs;
  const base = Math.min(...parts.map((p) => p.startEpochMs));
  const offsets = parts.map((p) => Math.round((p.startEpochMs - base) / sliceMs));
  const seconds = (p: LoadTimeline, s: number | null): number | null => (s === null ? null : Math.round((s + (p.startEpochMs - base) / 1000) * 1000) / 1000);
  const starts = parts.map((p) => seconds(p, p.windowStartSeconds)).filter((s): s is number => s !== null);
  const ends = parts.map((p) => seconds(p, p.windowEndSeconds)).filter((s): s is number => s !== null);
  const windowStartSeconds = starts.length === 0 ? null : Math.min(...starts);
  const windowEndSeconds = ends.length === 0 ? null : Math.max(...ends);
  const length = Math.max(...parts.map((p, i) => p.slices.length + (offsets[i] ?? 0)));
  const slices: LoadSlice[] = Array.from({ length }, (_, j) => {
    const here = parts.flatMap((p, i) => {
      const s = p.slices[j - (offsets[i] ?? 0)];
      return s === undefined ? [] : [s];
    });
    const answers = sum(here.map((s) => s.answers));
    const t = Math.round(j * sliceMs) / 1000;
    return {
      t,
      phase: phaseAt(t + sliceMs / 2000, windowStartSeconds, windowEndSeconds),
      answers,
      errors: sum(here.map((s) => s.errors)),
      p50Us: answers === 0 ? 0 : Math.round(sum(here.map((s) => s.p50Us * s.answers)) / answers),
      p99Us: Math.max(0, ...here.map((s) => s.p99Us)),
      maxUs: Math.max(0, ...here.map((s) => s.maxUs)),
      inFlight: sum(here.map((s) => s.inFlight)),
    };
  });
  return { startEpochMs: base, sliceMs, windowStartSeconds, windowEndSeconds, slices, truncated: parts.some((p) => p.truncated), lastSliceMs: Math.max(...parts.map((p) => p.lastSliceMs)) };
}

/** The agents' CPU added up; the lag, the worst of theirs (where they measured it). */
function mergedClient(parts: readonly ClientCpu[]): ClientCpu {
  const lags = parts.flatMap((p) => (p.clientLagMs === undefined ? [] : [p.clientLagMs]));
  return { clientCpuMs: sum(parts.map((p) => p.clientCpuMs)), ...(lags.length === 0 ? {} : { clientLagMs: Math.max(...lags) }) };
}

/** What a closed loop's agents measured, as one closed loop. */
export function mergeClosed(parts: readonly (LoadOutcome & ClientCpu)[]): LoadOutcome & ClientCpu {
  const lost = parts.filter((p) => p.lostUpdates !== undefined);
  return {
    responses: sum(parts.map((p) => p.responses)),
    durationSeconds: mergedDuration(parts),
    histogram: mergedHistogram(parts.map((p) => p.histogram)),
    censored: sum(parts.map((p) => p.censored)),
    drainSeconds: Math.max(0, ...parts.map((p) => p.drainSeconds)),
    errors: sum(parts.map((p) => p.errors)),
    timeouts: sum(parts.map((p) => p.timeouts)),
    non2xx: sum(parts.map((p) => p.non2xx)),
    servedBy: new Set(parts.flatMap((p) => [...p.servedBy])),
    ...(lost.length === 0 ? {} : { lostUpdates: sum(lost.map((p) => p.lostUpdates ?? 0)) }),
    rampSeconds: Math.max(0, ...parts.map((p) => p.rampSeconds)),
    unansweredAtWindow: sum(parts.map((p) => p.unansweredAtWindow)),
    timeline: mergeTimelines(parts.map((p) => p.timeline)),
    ...mergedClient(parts),
  };
}

/** What an open loop's agents measured, as one open loop: planned, late and dropped add up. */
export function mergeOpen(parts: readonly (OpenLoadOutcome & ClientCpu)[]): OpenLoadOutcome & ClientCpu {
  return {
    responses: sum(parts.map((p) => p.responses)),
    durationSeconds: mergedDuration(parts),
    histogram: mergedHistogram(parts.map((p) => p.histogram)),
    uncorrected: mergedHistogram(parts.map((p) => p.uncorrected)),
    lateness: mergedHistogram(parts.map((p) => p.lateness)),
    planned: sum(parts.map((p) => p.planned)),
    late: sum(parts.map((p) => p.late)),
    dropped: sum(parts.map((p) => p.dropped)),
    censored: sum(parts.map((p) => p.censored)),
    meanInflight: sum(parts.map((p) => p.meanInflight)),
    errors: sum(parts.map((p) => p.errors)),
    timeouts: sum(parts.map((p) => p.timeouts)),
    non2xx: sum(parts.map((p) => p.non2xx)),
    servedBy: new Set(parts.flatMap((p) => [...p.servedBy])),
    timeline: mergeTimelines(parts.map((p) => p.timeline)),
    ...mergedClient(parts),
  };
}
