import { processTree, type ProcessSample } from './process-tree.js';

export interface UsageSummary {
  /** CPU time of the whole server tree over the wall time, in % of one core (200% = two cores busy). */
  readonly serverCpuPercent: number;
  readonly serverRssPeakBytes: number;
  /** Most processes seen in the tree at once (cluster children included). */
  readonly serverProcesses: number;
  /** CPU of this process (the load generator) over the same time, in % of one core. */
  readonly clientCpuPercent: number;
}

export interface Sampler {
  stop(): UsageSummary;
}

/** CPU used by a tree between two snapshots; a process born in between counts from its start. */
export function cpuBetween(before: readonly ProcessSample[], after: readonly ProcessSample[]): number {
  const start = new Map(before.map((p) => [p.pid, p.cpuMs]));
  let total = 0;
  for (const p of after) total += Math.max(0, p.cpuMs - (start.get(p.pid) ?? 0));
  return total;
}

const sum = (tree: readonly ProcessSample[]): number => tree.reduce((acc, p) => acc + p.rssBytes, 0);

/** Samples the server's whole process tree (and this process's own CPU) until stopped. */
export function startSampler(rootPid: number, intervalMs = 200): Sampler {
  const first = processTree(rootPid);
  let last = first;
  let rssPeak = sum(first);
  let processes = first.length;
  const clientStart = process.cpuUsage();
  const t0 = performance.now();
  const sample = (): void => {
    const tree = processTree(rootPid);
    if (tree.length === 0) return; // the server is gone: keep the last sample
    // A process that died in between keeps its last CPU time in the total.
    const current = new Map(tree.map((p) => [p.pid, p]));
    last = [...last.filter((p) => !current.has(p.pid)), ...tree];
    rssPeak = Math.max(rssPeak, sum(tree));
    processes = Math.max(processes, tree.length);
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      const wallMs = performance.now() - t0;
      const client = process.cpuUsage(clientStart);
      return {
        serverCpuPercent: round1((cpuBetween(first, last) / wallMs) * 100),
        serverRssPeakBytes: rssPeak,
        serverProcesses: processes,
        clientCpuPercent: round1(((client.user + client.system) / 1000 / wallMs) * 100),
      };
    },
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
