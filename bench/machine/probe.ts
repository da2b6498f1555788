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
import { repoRoot } from '../../lib/paths.js';
import type { Probe } from '../../results/schema.js';
import { loadBetween, machineCpu } from './machine-load.js';

/** How long each measure computes: long enough to cross a few scheduler ticks, short enough to be cheap. */
const PROBE_MS = 80;

export interface MachineProbe {
  /** Probes now; `before` says where in the run (the start, or the cell that follows). */
  measure(before: string): Promise<Probe>;
  close(): Promise<void>;
}

/** The compiled worker beside this module; from the sources (tests), the one the build put in dist/. */
function probeWorkerFile(): string {
  const beside = fileURLToPath(new URL('./probe-worker.js', import.meta.url));
  return existsSync(beside) ? beside : join(repoRoot, 'dist', 'bench', 'machine', 'probe-worker.js');
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
