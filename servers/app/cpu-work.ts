import { pbkdf2Sync } from 'node:crypto';

/**
 * One unit of CPU work = one PBKDF2-SHA256 iteration. It is native, deterministic and cannot be
 * skipped by the optimiser, so every model does exactly the same work for the same `cpu=` value.
 * Always the *sync* variant: the async one would run on libuv's thread pool and quietly give the
 * event-loop model extra cores.
 */
export function burnCpu(iterations: number): string {
  if (iterations <= 0) return '';
  return pbkdf2Sync('concurrency-lab', 'salt', iterations, 16, 'sha256').toString('hex');
}
