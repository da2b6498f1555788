/**
 * What the whole machine did while the lab measured: CPU time of every process from /proc/stat, minus the
 * lab's own (the bench and its servers) = background load; and the time the hypervisor took away (steal).
 * A trial taken while something else used the machine is marked and retried (bench/cell.ts).
 */
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux that Node.js supports

export interface CpuTimes {
  /** user + nice + system, all cores, in ms (interrupt time is left out: the lab's own traffic causes most of it). */
  readonly busyMs: number;
  /** Time a virtual machine's cores were ready to run but the hypervisor ran someone else, in ms. */
  readonly stealMs: number;
  readonly at: number;
}

/** Parses the first ("cpu") line of /proc/stat: user nice system idle iowait irq softirq steal … (ticks). */
export function parseProcStatCpu(text: string, at: number): CpuTimes | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) return null;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , , , steal = 0] = ticks;
  const ms = (t: number): number => (t * 1000) / CLOCK_TICKS_PER_SECOND;
  return { busyMs: ms(user + nice + system), stealMs: ms(steal), at };
}

/** The machine's CPU times now, or null where /proc/stat does not exist (macOS: no background measure). */
export function machineCpu(): CpuTimes | null {
  try {
    return parseProcStatCpu(readFileSync('/proc/stat', 'utf8'), performance.now());
  } catch {
    return null;
  }
}

export interface MachineLoad {
  /** CPU of processes other than the lab's, in % of one core (100 = one core busy all the time). */
  readonly backgroundCpuPercent: number;
  readonly stealPercent: number;
}

/**
 * Background load between two readings, knowing how much CPU the lab itself used meanwhile (ms). The ticks
 * are coarse (10 ms), so a short window reads a few percent either way: callers use thresholds far above that.
 */
export function loadBetween(before: CpuTimes | null, after: CpuTimes | null, labCpuMs: number): MachineLoad {
  if (before === null || after === null || after.at <= before.at) return { backgroundCpuPercent: 0, stealPercent: 0 };
  const wallMs = after.at - before.at;
  const background = Math.max(0, after.busyMs - before.busyMs - labCpuMs);
  return {
    backgroundCpuPercent: Math.round((background / wallMs) * 1000) / 10,
    stealPercent: Math.round(((after.stealMs - before.stealMs) / wallMs) * 1000) / 10,
  };
}
