/**
 * Open files: every connection is one, in the server that holds it and in the load process that opened it. Holding
 * 10,000 idle WebSockets (the C10k lesson) needs a file limit above that; a process may raise its own soft limit up to
 * the hard one, and the bench raises it for the servers and the load process it starts (prlimit, from util-linux),
 * never beyond what the system allows.
 */
import { readFileSync } from 'node:fs';
import { t } from '../../lib/lang/lang.js';

/** Files a process needs besides its connections: its modules, pipes, /proc reads, a pool's threads. */
const SPARE_FILES = 200;

/** This process's soft and hard limits on open files, from /proc (Linux); null elsewhere. */
export function fileLimits(): { readonly soft: number; readonly hard: number } | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const m = line === undefined ? null : /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(line);
    if (m === null) return null;
    const value = (s: string | undefined): number => (s === 'unlimited' || s === undefined ? Number.MAX_SAFE_INTEGER : Number(s));
    return { soft: value(m[1]), hard: value(m[2]) };
  } catch {
    return null;
  }
}

/**
 * The file limit the bench's children need for `connections` at once: `raise` when it is above the soft limit (null
 * when the soft limit is enough, or the system does not say), `problem` (one line) when even the hard limit is too low.
 */
export function fileLimitFor(connections: number): { readonly raise: number | null } | { readonly problem: string } {
  const limits = fileLimits();
  const needed = connections + SPARE_FILES;
  if (limits === null || needed <= limits.soft) return { raise: null };
  if (needed > limits.hard) {
    return { problem: t('opt.err.fileLimit', { connections, needed, hard: limits.hard, raise: String(needed) }) };
  }
  return { raise: limits.hard };
}

/** The command prefix that starts a child with the file limit raised to `limit`, or nothing. */
export function fileLimitPrefix(limit: number | null): string[] {
  return limit === null ? [] : ['prlimit', `--nofile=${limit}:${limit}`, '--'];
}
