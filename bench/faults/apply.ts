/**
 * Faults done to a server inside a trial's window (--fault, bench/plan/faults.ts). The bench does them itself, and
 * undoes what it can when the trial ends (a stopped process is continued, the slow connections are closed, the busy
 * process is killed), also when the trial fails or the run is interrupted. It restarts nothing: what comes back after
 * a kill is what the model itself brings back (a cluster's primary forks a new process; nothing restarts the others).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import net from 'node:net';
import tls from 'node:tls';
import { messageOf } from '../../lib/errors.js';
import { sentence } from '../../lib/lang/sentences.js';
import { processTreeOf } from '../../lib/process-tree.js';
import { coresOf } from '../machine/placement.js';
import type { FaultSpec } from '../plan/faults.js';

/** What became of one fault: when it was done (epoch ms; null if it never was), to what, and what went wrong. */
export interface FaultDone {
  readonly spec: FaultSpec;
  appliedAtEpochMs: number | null;
  target: string;
  error: string | null;
}

export interface FaultRun {
  readonly done: readonly FaultDone[];
  /** Undoes whatever is still in effect (idempotent). */
  end(): void;
  /** CPU the busy processes (cpu-hog) used, in ms, read as they end. */
  busyCpuMs(): number;
}

/** Where a fault lands: the server's main process, or (cluster) one of the processes that serve. */
export interface FaultTarget {
  readonly model: string;
  readonly pid: number;
  readonly url: string;
  readonly ca?: string;
  /** Whether the server still runs: a signal is never sent to a pid that may have been given to another process. */
  readonly alive?: () => boolean;
}

const hogs = new Set<ChildProcess>();
// Whatever happens to the bench, no busy process it started outlives it.
process.on('exit', () => {
  for (const hog of hogs) hog.kill('SIGKILL');
});

/** The process a kill or a stall aims at: for a cluster one of its serving processes, else the main process. */
function victim(target: FaultTarget): { pid: number; what: string } {
  if (target.model === 'cluster') {
    const child = processTreeOf(target.pid).find((p) => p.ppid === target.pid);
    if (child !== undefined) return { pid: child.pid, what: `cluster process ${child.pid}` };
  }
  return { pid: target.pid, what: `main process ${target.pid}` };
}

/** The cores the server is pinned to (Linux: its affinity), for the busy process; null when it may run on any. */
function serverCores(pid: number): string | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const list = /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? null;
    return list === null || coresOf(list).length >= availableParallelism() ? null : list;
  } catch {
    return null;
  }
}


/** One byte a second on each connection: the request line and headers of a request that never ends. */
const SLOW_REQUEST = 'GET /health HTTP/1.1\r\nHost: lab\r\nX-Slow: '.padEnd(4096, 'a');

/** Starts each fault's timer from now (the window's start). */
export function startFaults(faults: readonly FaultSpec[], target: FaultTarget): FaultRun {
  const timers: NodeJS.Timeout[] = [];
  const undo: (() => void)[] = [];
  const done: FaultDone[] = faults.map((spec) => ({ spec, appliedAtEpochMs: null, target: '', error: null }));
  let ended = false;
  let busyCpuMs = 0;
  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    timers.push(timer);
  };
  const apply = (record: FaultDone): void => {
    if (ended) return;
    const { spec } = record;
    record.appliedAtEpochMs = Date.now();
    if (spec.kind !== 'slowloris' && target.alive?.() === false) {
      record.error = sentence('err.faultServerGone');
      return;
    }
    try {
      switch (spec.kind) {
        case 'kill': {
          const v = victim(target);
          record.target = v.what;
          process.kill(v.pid, 'SIGKILL');
          break;
        }
        case 'stall': {
          const v = victim(target);
          record.target = v.what;
          process.kill(v.pid, 'SIGSTOP');
          let continued = false;
          const resume = (): void => {
            if (continued) return;
            continued = true;
            try {
              process.kill(v.pid, 'SIGCONT');
            } catch {
              // gone meanwhile
            }
          };
          undo.push(resume);
          later(spec.arg, resume);
          break;
        }
        case 'slowloris': {
          record.target = `${spec.arg} connections`;
          const { hostname, port: given, protocol } = new URL(target.url);
          const https = protocol === 'https:';
          const port = given === '' ? (https ? 443 : 80) : Number(given);
          const sockets: net.Socket[] = [];
          for (let i = 0; i < spec.arg; i++) {
            // The handshake only has to open a connection: whose certificate it is does not matter to a slow client.
            const socket = https ? tls.connect({ host: hostname, port, rejectUnauthorized: false, ...(net.isIP(hostname) === 0 ? { servername: hostname } : {}) }) : net.connect({ host: hostname, port });
            socket.on('error', () => undefined); // refused or reset: that is what the fault shows
            socket.resume();
            sockets.push(socket);
          }
          let sent = 0;
          const dripOnce = (): void => {
            const byte = SLOW_REQUEST[sent % SLOW_REQUEST.length] ?? 'a';
            sent += 1;
            for (const s of sockets) if (!s.destroyed && s.writable) s.write(byte);
          };
          dripOnce();
          const drip = setInterval(dripOnce, 1000);
          drip.unref();
          undo.push(() => {
            clearInterval(drip);
            for (const s of sockets) s.destroy();
          });
          break;
        }
        case 'cpu-hog': {
          const cores = serverCores(target.pid);
          record.target = cores === null ? 'any core' : `cores ${cores}`;
          // It tells its own CPU time as it ends (a process gone cannot be read in /proc any more).
          const busy = [process.execPath, '-e', `const end = Date.now() + ${Math.round(spec.arg * 1000)}; while (Date.now() < end); const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000));`];
          const [command = process.execPath, ...args] = cores === null || process.platform !== 'linux' ? busy : ['taskset', '-c', cores, ...busy];
          const hog = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
          let said = '';
          hog.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            said += chunk;
          });
          hog.on('error', (error) => {
            record.error = messageOf(error);
          });
          hogs.add(hog);
          let counted = false;
          // 'close': after its output is read whole.
          hog.once('close', () => {
            hogs.delete(hog);
            const ms = Number(said);
            if (!counted && Number.isFinite(ms) && said !== '') {
              counted = true;
              busyCpuMs += ms;
            }
          });
          undo.push(() => {
            if (hog.exitCode !== null || hog.signalCode !== null) return;
            // Stopped early: its CPU is read before it goes, so that the trial counts it as the lab's.
            if (!counted && hog.pid !== undefined) {
              counted = true;
              busyCpuMs += processTreeOf(hog.pid).reduce((a, p) => a + p.cpuMs, 0);
            }
            hog.kill('SIGKILL');
          });
          break;
        }
      }
    } catch (error: unknown) {
      record.error = messageOf(error);
    }
  };
  for (const record of done) later(record.spec.atSeconds * 1000, () => {
    apply(record);
  });
  return {
    done,
    busyCpuMs: () => busyCpuMs,
    end: () => {
      if (ended) return;
      ended = true;
      for (const timer of timers) clearTimeout(timer);
      for (const fn of undo) fn();
    },
  };
}
