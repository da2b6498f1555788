import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * One process as the sampler sees it: CPU time so far and resident memory. The CPU time includes the children
 * it has reaped (cutime, cstime): a process that lives for one request (process-per-request) is often born and
 * gone between two samples, and its time must still count as the server's, not as another program's.
 */
export interface ProcessSample {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly cpuMs: number;
  readonly rssBytes: number;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux that Node.js supports
const PAGE_BYTES = 4096;

/** Reads /proc/<pid>/stat. The command name may hold spaces and parentheses: parse after the last ')'. */
export function parseProcStat(pid: number, stat: string): ProcessSample | null {
  const close = stat.lastIndexOf(')');
  if (close === -1) return null;
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is field 3 of proc(5): state, ppid, pgrp, ..., utime (14), stime (15), cutime (16), cstime (17), ..., rss (24)
  const num = (field: number): number => Number(fields[field - 3]);
  const ticks = num(14) + num(15) + num(16) + num(17);
  return {
    pid,
    ppid: num(4),
    pgid: num(5),
    cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND,
    rssBytes: num(24) * PAGE_BYTES,
  };
}

function linuxProcesses(): ProcessSample[] {
  const out: ProcessSample[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const sample = parseProcStat(Number(entry), readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (sample !== null) out.push(sample);
    } catch {
      // the process ended between readdir and read
    }
  }
  return out;
}

/** `ps` fallback for macOS: coarser CPU time (it prints [[dd-]hh:]mm:ss.cc), but the same shape. */
function psProcesses(): ProcessSample[] {
  const text = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,rss=,time='], { encoding: 'utf8' });
  const out: ProcessSample[] = [];
  for (const line of text.split('\n')) {
    const [pid, ppid, pgid, rss, time] = line.trim().split(/\s+/);
    if (pid === undefined || ppid === undefined || pgid === undefined || rss === undefined || time === undefined) continue;
    const parts = time.replace('-', ':').split(':').map(Number).reverse();
    const seconds = (parts[0] ?? 0) + (parts[1] ?? 0) * 60 + (parts[2] ?? 0) * 3600 + (parts[3] ?? 0) * 86400;
    out.push({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), cpuMs: seconds * 1000, rssBytes: Number(rss) * 1024 });
  }
  return out;
}

/** The children of a process, from /proc/<pid>/task/<tid>/children (every thread may have forked). */
function linuxChildren(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) if (child !== '') out.push(Number(child));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/**
 * The process and its descendants, read from their own /proc entries only (a few small files, not a scan of
 * every process): cheap enough to run on the load generator's thread. Falls back to a full scan elsewhere.
 */
export function processTreeOf(rootPid: number): ProcessSample[] {
  if (process.platform !== 'linux') return processTree(rootPid);
  const tree: ProcessSample[] = [];
  const queue = [rootPid];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    try {
      const sample = parseProcStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (sample === null) continue;
      tree.push(sample);
      queue.push(...linuxChildren(pid));
    } catch {
      // gone meanwhile
    }
  }
  return tree;
}

export function allProcesses(): ProcessSample[] {
  return process.platform === 'linux' ? linuxProcesses() : psProcesses();
}

/** The process and all its descendants (cluster children, and theirs). */
export function processTree(rootPid: number, processes: readonly ProcessSample[] = allProcesses()): ProcessSample[] {
  const byParent = new Map<number, ProcessSample[]>();
  for (const p of processes) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const tree: ProcessSample[] = [];
  const root = processes.find((p) => p.pid === rootPid);
  if (root === undefined) return tree;
  const queue = [root];
  for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
    tree.push(p);
    queue.push(...(byParent.get(p.pid) ?? []));
  }
  return tree;
}

/** Every process still in a process group: a server started detached leads its own group. */
export function processGroup(pgid: number, processes: readonly ProcessSample[] = allProcesses()): ProcessSample[] {
  return processes.filter((p) => p.pgid === pgid);
}
