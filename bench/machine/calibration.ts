import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../../lib/files.js';
import { burnCpu } from '../../servers/app/cpu-work.js';

export interface Calibration {
  readonly iterationsPerMs: number;
  readonly samples: number[];
  readonly method: string;
}

const SAMPLE_ITERATIONS = 50_000;
const SAMPLES = 7;

/** Median of the samples: one slow sample (the machine is shared) must not move the calibration. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Lets timers and sockets run between samples (the live view's events keep flowing); each sample is timed alone. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Measures how many PBKDF2 iterations make a millisecond of CPU on this machine, in this process. */
export async function calibrate(): Promise<Calibration> {
  burnCpu(SAMPLE_ITERATIONS); // warm the JIT and the crypto code path
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await yieldToLoop();
    const t0 = performance.now();
    burnCpu(SAMPLE_ITERATIONS);
    samples.push(Math.round(SAMPLE_ITERATIONS / (performance.now() - t0)));
  }
  return {
    iterationsPerMs: median(samples),
    samples,
    method: `median of ${SAMPLES} runs of ${SAMPLE_ITERATIONS} PBKDF2-SHA256 iterations (iterations per ms)`,
  };
}

/** Iterations for a given number of CPU milliseconds, at this calibration. */
export function iterationsFor(ms: number, calibration: Pick<Calibration, 'iterationsPerMs'>): number {
  return Math.max(1, Math.round(ms * calibration.iterationsPerMs));
}

/**
 * Runs on one machine compare only if a `cpu` request is the same work in each: a calibration taken in a slow
 * minute made one run's request 27 % fewer iterations than the next one's. So the first run on a machine keeps
 * its calibration next to the runs (<out>/calibration.json), and later runs there reuse it, as long as the
 * machine (CPU model, cores, Node.js) is the same; `--recalibrate` measures afresh and replaces it.
 */
export const CALIBRATION_FILE = 'calibration.json';

const KeptSchema = z.object({
  machine: z.object({ cpuModel: z.string(), cpus: z.number(), node: z.string() }),
  at: z.string(),
  iterationsPerMs: z.number().positive(),
  samples: z.array(z.number().positive()),
});

export interface MachineKey {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly node: string;
}

/** The kept calibration of this machine in `outDir`, or null (none, another machine, or unreadable). */
export function keptCalibration(outDir: string, machine: MachineKey): Calibration | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(outDir, CALIBRATION_FILE), 'utf8'));
  } catch {
    return null;
  }
  const kept = KeptSchema.safeParse(raw);
  if (!kept.success) return null;
  const m = kept.data.machine;
  if (m.cpuModel !== machine.cpuModel || m.cpus !== machine.cpus || m.node !== machine.node) return null;
  return {
    iterationsPerMs: kept.data.iterationsPerMs,
    samples: kept.data.samples,
    method: `kept from the first run on this machine (${kept.data.at}), so that a cpu request is the same work in every run here; --recalibrate measures afresh`,
  };
}

export function keepCalibration(outDir: string, machine: MachineKey, calibration: Calibration, at: Date): void {
  const kept = { machine: { cpuModel: machine.cpuModel, cpus: machine.cpus, node: machine.node }, at: at.toISOString(), iterationsPerMs: calibration.iterationsPerMs, samples: calibration.samples };
  writeFileAtomically(join(outDir, CALIBRATION_FILE), `${JSON.stringify(kept, null, 2)}\n`);
}

/** This run's calibration: the kept one of this machine unless told to measure afresh (then kept for the next runs). */
export async function runCalibration(outDir: string, machine: MachineKey, recalibrate: boolean, now: Date = new Date()): Promise<Calibration> {
  const kept = recalibrate ? null : keptCalibration(outDir, machine);
  if (kept !== null) return kept;
  const measured = await calibrate();
  keepCalibration(outDir, machine, measured, now);
  return measured;
}
