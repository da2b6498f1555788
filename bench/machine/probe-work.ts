import { pbkdf2Sync } from 'node:crypto';

const CHUNK = 2_000; // iterations per call: small, so that the measured time ends close to `ms`

/** Computes PBKDF2 for about `ms` milliseconds; returns iterations per millisecond. */
export function burnRate(ms: number): number {
  let iterations = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    pbkdf2Sync('probe', 'salt', CHUNK, 16, 'sha256');
    iterations += CHUNK;
    elapsed = performance.now() - t0;
  }
  return iterations / elapsed;
}
