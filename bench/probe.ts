/**
 * The machine probe: how fast one thread computes alone, then how fast each of `cores` threads computes when
 * all run at once. On a quiet machine, capacity (the sum of the parallel rates over the single rate) is close
 * to the number of cores; when another virtual machine or process takes a core, it drops. The bench probes at
 * the start and before each cell, and marks trials taken after a drop of more than 20 %.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { repoRoot } from '../lib/paths.js';
import type { Probe } from '../results/schema.js';
import { loadBetween, machineCpu } from './machine-load.js';

/** How long each measure computes: long enough to cross a few scheduler ticks, short enough to be cheap. */
const PROBE_MS = 80;
/** A capacity or single speed below this share of the start's marks what follows as taken on a slower machine. */
export const CAPACITY_DROP = 0.8;

export interface MachineProbe {
  /** Probes now; `before` says where in the run (the start, or the cell that follows). */
  measure(before: string): Promise<Probe>;
  close(): Promise<void>;
}

/** The compiled worker beside this module; from the sources (tests), the one the build put in dist/. */
function probeWorkerFile(): string {
  const beside = fileURLToPath(new URL('./probe-worker.js', import.meta.url));
  return existsSync(beside) ? beside : join(repoRoot, 'dist', 'bench', 'probe-worker.js');
}

function ask(worker: Worker, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onMessage = (rate: unknown): void => {
      worker.off('error', reject);
      resolve(typeof rate === 'number' ? rate : 0);
    };
    worker.once('message', onMessage);
    worker.once('error', reject);
    worker.postMessage(ms);
  });
}

/** Starts `cores` probe threads, kept idle between probes (an idle thread costs nothing). */
export function startMachineProbe(cores: number): MachineProbe {
  const workers = Array.from({ length: cores }, () => new Worker(probeWorkerFile()));
  for (const w of workers) w.unref();
  return {
    async measure(before) {
      const [first] = workers;
      if (first === undefined) throw new Error('no probe thread');
      const cpu0 = machineCpu();
      const own0 = process.cpuUsage();
      await Promise.all(workers.map((w) => ask(w, 10))); // wake every thread and warm the code path
      const singleRate = await ask(first, PROBE_MS);
      const parallelRates = await Promise.all(workers.map((w) => ask(w, PROBE_MS)));
      const own = process.cpuUsage(own0);
      const load = loadBetween(cpu0, machineCpu(), (own.user + own.system) / 1000);
      const capacity = parallelRates.reduce((a, b) => a + b, 0) / singleRate;
      return {
        at: new Date().toISOString(),
        before,
        singleRate: Math.round(singleRate),
        parallelRates: parallelRates.map((r) => Math.round(r)),
        capacity: Math.round(capacity * 100) / 100,
        backgroundCpuPercent: load.backgroundCpuPercent,
      };
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * The best the machine has shown so far in this run: the highest single-thread speed and parallel capacity of
 * any probe (a bad moment at the start must not lower the bar for the rest of the run).
 */
export function bestProbe(probes: readonly Probe[]): Probe | undefined {
  const [first, ...rest] = probes;
  if (first === undefined) return undefined;
  return rest.reduce(
    (best, p) => ({
      ...best,
      singleRate: Math.max(best.singleRate, p.singleRate),
      capacity: Math.max(best.capacity, p.capacity),
      parallelRates: total(p.parallelRates) > total(best.parallelRates) ? p.parallelRates : best.parallelRates,
    }),
    first,
  );
}

const total = (rates: readonly number[]): number => rates.reduce((a, b) => a + b, 0);

/** Why trials after this probe are not trusted, compared with the best probe so far (bestProbe); empty when fine. */
export function driftReasons(best: Probe, now: Probe): string[] {
  const reasons: string[] = [];
  // No machine computes more than its cores: a best probe above that only caught a slow single-thread moment.
  const reference = Math.min(best.capacity, best.parallelRates.length > 0 ? best.parallelRates.length : best.capacity);
  if (now.capacity < CAPACITY_DROP * reference) {
    reasons.push(`parallel capacity ${now.capacity.toFixed(2)} cores, down from ${reference.toFixed(2)} at best so far`);
  }
  if (now.singleRate < CAPACITY_DROP * best.singleRate) {
    reasons.push(`one thread computed at ${Math.round((now.singleRate / best.singleRate) * 100)}% of its best speed so far`);
  }
  // The cores' work together, not only its ratio to one thread: a single-thread measure that caught a bad moment
  // makes the ratio look fine while every core computes less.
  const together = total(best.parallelRates);
  if (together > 0 && total(now.parallelRates) < CAPACITY_DROP * together) {
    reasons.push(`all cores at once computed ${Math.round((total(now.parallelRates) / together) * 100)}% of what they did at best`);
  }
  return reasons;
}
