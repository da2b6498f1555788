/**
 * How fast each core computed during a trial, by its own gauge (bench/machine/core-gauge.ts): a process pinned to
 * each core, sampling every 250 ms. A trial during which a core computed below CAPACITY_DROP of its best so far in
 * the run is marked, like one after a slower probe, and retried where the budget allows: the host of this lab's
 * development machine slows each vCPU by about 40 % for tens of seconds at a time, each on its own, and a trial taken
 * then measures the host as much as the model.
 */
import { sentence } from '../../lib/lang/sentences.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../lib/paths.js';
import { CAPACITY_DROP } from '../../results/stats/probes.js';
import { median } from '../../results/stats/stats.js';

export interface CoreMonitor {
  /** Each core's median rate between two times (ms since the epoch), as a share of that core's best so far; null where it had no sample. */
  speedsBetween(fromMs: number, toMs: number): (number | null)[];
  /** The best rate the speeds are shares of: the machine's known best, or a core's best this run if higher; null before any sample. */
  best(): number | null;
  close(): Promise<void>;
}

function gaugeFile(): string {
  const beside = fileURLToPath(new URL('./core-gauge.js', import.meta.url));
  return existsSync(beside) ? beside : join(repoRoot, 'dist', 'bench', 'machine', 'core-gauge.js');
}


/** A core's best: the 90th percentile of its samples so far (one fast outlier must not raise the bar). */
const best = (rates: readonly number[]): number => {
  const sorted = [...rates].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))] ?? 0;
};

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * One gauge per core (taskset); null where the machine cannot pin (not Linux, no taskset). `known` is the best rate
 * the gauges have seen on this machine in earlier runs: a run spent in a slow state of the host is measured against it.
 */
export function startCoreMonitor(cores: number, pinnable: boolean, known = 0): CoreMonitor | null {
  if (!pinnable) return null;
  const samples: { at: number; rate: number }[][] = Array.from({ length: cores }, () => []);
  const children = Array.from({ length: cores }, (_, core) => {
    const child = spawn('taskset', ['-c', String(core), process.execPath, gaugeFile()], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    live.add(child);
    child.on('message', (m: unknown) => {
      if (typeof m === 'object' && m !== null && typeof (m as { at?: unknown }).at === 'number' && typeof (m as { rate?: unknown }).rate === 'number') {
        const { at, rate } = m as { at: number; rate: number };
        if (rate > 0) samples[core]?.push({ at, rate });
      }
    });
    child.once('exit', () => live.delete(child));
    return child;
  });
  return {
    speedsBetween(fromMs, toMs) {
      return samples.map((list) => {
        const within = list.filter((s) => s.at >= fromMs && s.at <= toMs).map((s) => s.rate);
        const upTo = list.filter((s) => s.at <= toMs).map((s) => s.rate);
        if (within.length === 0 || upTo.length < 4) return null;
        const top = Math.max(known, best(upTo));
        return top > 0 ? Math.round((median(within) / top) * 1000) / 1000 : null;
      });
    },
    best() {
      const tops = samples.filter((list) => list.length >= 4).map((list) => best(list.map((s) => s.rate)));
      return tops.length === 0 ? (known > 0 ? known : null) : Math.max(known, ...tops);
    },
    async close() {
      await Promise.all(children.map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      })));
    },
  };
}

/** The marks of a trial from its cores' speeds: a core below CAPACITY_DROP of its best is the host's doing. */
export function coreMarks(speeds: readonly (number | null)[]): string[] {
  return speeds.flatMap((s, core) => (s !== null && s < CAPACITY_DROP ? [sentence('mark.core', { core: String(core), speed: Math.round(s * 100) })] : []));
}
