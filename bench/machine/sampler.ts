import { processTreeOf, type ProcessSample } from '../../lib/process-tree.js';

export interface UsageSummary {
  /** CPU time of the whole server tree over the wall time, in % of one core (200% = two cores busy). */
  readonly serverCpuPercent: number;
  /** CPU of the server tree in ms over the same time (to tell the lab's own use from the machine's). */
  readonly serverCpuMs: number;
  readonly serverRssPeakBytes: number;
  /** Most processes seen in the tree at once (cluster children included). */
  readonly serverProcesses: number;
  /**
   * CPU of the bench's own process over the same time (the sampler, the probes, the live view, the relay): not the
   * client's (the load runs in its own process, bench/load/load-process.ts), but the lab's, not the machine's others'.
   */
  readonly benchCpuMs: number;
  readonly wallMs: number;
}

export interface Sampler {
  stop(): UsageSummary;
}

/**
 * CPU used by a tree between two snapshots; a process born in between counts from its start. A process of the
 * first snapshot gone from the second has handed its whole CPU time to its parent (reaped children count in
 * a process's CPU time): what it had used before the first snapshot is taken off again.
 */
export function cpuBetween(before: readonly ProcessSample[], after: readonly ProcessSample[]): number {
  const start = new Map(before.map((p) => [p.pid, p.cpuMs]));
  const alive = new Set(after.map((p) => p.pid));
  let total = 0;
  for (const p of after) total += Math.max(0, p.cpuMs - (start.get(p.pid) ?? 0));
  for (const p of before) if (!alive.has(p.pid)) total -= p.cpuMs;
  return Math.max(0, total);
}

const sum = (tree: readonly ProcessSample[]): number => tree.reduce((acc, p) => acc + p.rssBytes, 0);

/**
 * Samples the server's process tree (and this process's own CPU) until stopped. It reads only the server's own
 * processes (a handful of small files), never all of /proc: a full scan every 200 ms cost most of a millisecond.
 */
export function startSampler(rootPid: number, intervalMs = 200): Sampler {
  const first = processTreeOf(rootPid);
  let last = first;
  let rssPeak = sum(first);
  let processes = first.length;
  const benchStart = process.cpuUsage();
  const t0 = performance.now();
  const sample = (): void => {
    const tree = processTreeOf(rootPid);
    if (tree.length === 0) return; // the server is gone: keep the last sample
    // A process that died in between is gone from the tree, and its CPU time has moved into its parent's
    // (cutime, once reaped): the tree's total stays whole.
    last = tree;
    rssPeak = Math.max(rssPeak, sum(tree));
    processes = Math.max(processes, tree.length);
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      const wallMs = performance.now() - t0;
      const bench = process.cpuUsage(benchStart);
      const serverCpuMs = cpuBetween(first, last);
      return {
        serverCpuPercent: round1((serverCpuMs / wallMs) * 100),
        serverCpuMs,
        serverRssPeakBytes: rssPeak,
        serverProcesses: processes,
        benchCpuMs: (bench.user + bench.system) / 1000,
        wallMs,
      };
    },
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
