/**
 * The server's CPU and memory through a whole trial (warm-up, window and drain), sampled every 100 ms, for the
 * trial's timeline (bench/run/timeline-merge.ts). CPU is kept as the tree's total so far, counted as the sampler
 * counts it (a process that dies hands its time to its parent): a slice's share is the difference at its edges.
 * On Linux a sample reads a handful of small files in /proc; elsewhere it runs `ps`, so it samples less often.
 */
import { processTreeOf, type ProcessSample } from '../../lib/process-tree.js';
import { cpuBetween } from './sampler.js';

export interface TracePoint {
  /** When, in ms since the epoch (the load process's slices are aligned on the same clock). */
  readonly epochMs: number;
  /** CPU of the server's tree since the trace began, in ms. */
  readonly cpuMs: number;
  readonly rssBytes: number;
}

export interface ServerTrace {
  stop(): TracePoint[];
}

export const TRACE_MS = process.platform === 'linux' ? 100 : 500;

export function startServerTrace(rootPid: number, intervalMs = TRACE_MS): ServerTrace {
  const first: ProcessSample[] = processTreeOf(rootPid);
  const points: TracePoint[] = [];
  const sample = (): void => {
    // A process killed and not yet reaped holds no memory: it is gone for the trace too.
    const tree = processTreeOf(rootPid).filter((p) => p.rssBytes > 0);
    // A server gone (killed by a fault) has no tree: its slices say nothing of its CPU rather than zero.
    if (tree.length === 0) return;
    points.push({ epochMs: Date.now(), cpuMs: cpuBetween(first, tree), rssBytes: tree.reduce((a, p) => a + p.rssBytes, 0) });
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return points;
    },
  };
}
