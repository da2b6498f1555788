import { burnCpu } from '../servers/app/cpu-work.js';

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
