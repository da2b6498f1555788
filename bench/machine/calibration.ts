import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../../lib/files.js';
import { burnCpu } from '../../servers/app/cpu-work.js';
import { sentence } from '../../lib/lang/sentences.js';

export interface Calibration {
  readonly iterationsPerMs: number;
  readonly samples: number[];
  readonly method: string;
}

/** The catalogue's text of the method (cal.method.measured in lib/lang) states both: change them together. */
const SAMPLE_ITERATIONS = 50_000;
const SAMPLES = 15;

/**
 * The machine's speed when nothing slows it: the 90th percentile of the samples. A shared machine is slowed now and
 * then (by another tenant, for tens of seconds on this lab's development machine: 1.6× slower), never sped up: a
 * median taken during a slow moment made one run's `cpu` request 27 % lighter than the next one's. The 90th
 * percentile, not the maximum, so that one sample's timer granularity cannot set the bar.
 */
export function fastest(values: readonly number[]): number {
  if (values.length === 0) throw new Error('the speed of no sample');
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: of ten samples the ninth, so one freak fast sample is not the machine's speed.
  return sorted[Math.max(0, Math.ceil(sorted.length * 0.9) - 1)] ?? 0;
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
    iterationsPerMs: fastest(samples),
    samples,
    method: sentence('cal.method.measured'),
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
    method: sentence('cal.method.kept', { at: kept.data.at }),
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

/**
 * What the core gauges have seen on this machine across runs (kept beside the calibration): their best rate, and the
 * slowest state a run met (the 5th percentile of its trials' speeds, as shares of that best). One run can spend its
 * five minutes in a slow state of the host and another in a fast one: a run that met only one of them must still
 * measure its cores against the machine's best, and say how far apart runs here have landed.
 */
const GaugeSchema = z.object({ best: z.number().positive(), low: z.number().positive().max(1), runs: z.number().int().positive() });
export type GaugeHistory = z.infer<typeof GaugeSchema>;

function keptFile(outDir: string): Record<string, unknown> | null {
  try {
    const raw: unknown = JSON.parse(readFileSync(join(outDir, CALIBRATION_FILE), 'utf8'));
    return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The gauges' history of this machine in `outDir` (null without one, or for another machine). */
export function keptGauge(outDir: string, machine: MachineKey): GaugeHistory | null {
  if (keptCalibration(outDir, machine) === null) return null;
  const gauge = GaugeSchema.safeParse(keptFile(outDir)?.gauge);
  return gauge.success ? gauge.data : null;
}

/** Adds a run's gauges to the machine's history (kept only where the machine's calibration is). */
export function keepGauge(outDir: string, machine: MachineKey, run: { best: number; low: number }): void {
  const file = keptFile(outDir);
  if (file === null || keptCalibration(outDir, machine) === null) return;
  const before = keptGauge(outDir, machine);
  const best = Math.max(before?.best ?? 0, run.best);
  // The run's low was a share of the best it knew; against a higher best it is lower still.
  const runLow = Math.min(1, run.low * (run.best / best));
  const gauge: GaugeHistory = { best: Math.round(best), low: Math.round(Math.min(before?.low ?? 1, runLow) * 1000) / 1000, runs: (before?.runs ?? 0) + 1 };
  writeFileAtomically(join(outDir, CALIBRATION_FILE), `${JSON.stringify({ ...file, gauge }, null, 2)}\n`);
}
