/**
 * The bench's side of its load generator: one process of its own (bench/load/load-process.ts), forked once per run,
 * pinned to the client's cores when --cpus says so (`taskset`, which execs node: the pid and the IPC channel stay),
 * that runs every load the bench asks for, one at a time. Its answers come back as the drivers' own outcomes, with
 * the client's CPU over the window measured in that process. It stops with the bench, also when the bench is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../lib/paths.js';
import type { LoadOptions, LoadOutcome } from './closed-loop.js';
import { decodeHistogram, isFromLoad, type FromLoad } from './load-messages.js';
import type { LoadProgress } from './load-progress.js';
import type { OpenLoadOptions, OpenLoadOutcome } from './open-loop.js';

/** The client's CPU over the window, measured in the load process itself. */
export interface ClientCpu {
  /** CPU time (user + system) of the load process between the window's edges, ms. */
  readonly clientCpuMs: number;
}

export type HostedOpenOptions = Omit<OpenLoadOptions, 'random' | 'clock'> & { readonly seed: number };

export interface LoadGenerator {
  readonly pid: number;
  closed(options: LoadOptions): { readonly done: Promise<LoadOutcome & ClientCpu>; stop(): void };
  open(options: HostedOpenOptions): { readonly done: Promise<OpenLoadOutcome & ClientCpu>; stop(): void };
  /** Ends the load process (any load still running fails). */
  close(): Promise<void>;
}

/** The compiled entry beside this module; from the sources (tests), the one the build put in dist/. */
function entry(): string {
  const beside = fileURLToPath(new URL('./load-process.js', import.meta.url));
  return existsSync(beside) ? beside : join(repoRoot, 'dist', 'bench', 'load', 'load-process.js');
}

interface Pending {
  readonly onWindowStart?: () => void;
  readonly onWindowEnd?: () => void;
  readonly onProgress?: LoadProgress;
  windowCpuMs?: number;
  clientCpuMs: number;
  settle(message: Extract<FromLoad, { type: 'closed-done' | 'open-done' }>): void;
  fail(error: Error): void;
}

const live = new Set<ChildProcess>();
// Last resort: no load process outlives the bench (it also ends on its own when its IPC channel closes).
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts the load process; `cpus` (a taskset list such as "1" or "2-3") pins it. Resolves once it is ready. */
export function startLoadGenerator(options: { readonly cpus?: string } = {}): Promise<LoadGenerator> {
  const args = [entry()];
  const child = options.cpus === undefined ? spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }) : spawn('taskset', ['-c', options.cpus, process.execPath, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  live.add(child);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let gone: Error | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      gone = new Error(`the load process ${signal === null ? `exited with code ${String(code)}` : `was killed by ${signal}`}`);
      for (const p of pending.values()) p.fail(gone);
      pending.clear();
      resolve();
    });
  });
  child.on('message', (message: unknown) => {
    if (!isFromLoad(message) || message.type === 'ready') return;
    const p = pending.get(message.id);
    if (p === undefined) return;
    switch (message.type) {
      case 'tick':
        p.onProgress?.({ ...message.tick, histogram: decodeHistogram(message.tick.histogram) });
        return;
      case 'window':
        if (message.edge === 'start') {
          p.windowCpuMs = message.cpuMs;
          p.onWindowStart?.();
        } else {
          p.clientCpuMs = Math.max(0, message.cpuMs - (p.windowCpuMs ?? message.cpuMs));
          p.onWindowEnd?.();
        }
        return;
      case 'failed':
        pending.delete(message.id);
        p.fail(new Error(message.message));
        return;
      default:
        pending.delete(message.id);
        p.settle(message);
    }
  });
  const send = (id: number, message: Parameters<NonNullable<ChildProcess['send']>>[0]): void => {
    if (gone !== null || !child.connected) {
      pending.get(id)?.fail(gone ?? new Error('the load process is gone'));
      pending.delete(id);
      return;
    }
    child.send(message);
  };
  const callbacksOf = (o: { readonly onWindowStart?: () => void; readonly onWindowEnd?: () => void; readonly onProgress?: LoadProgress }): Pick<Pending, 'onWindowStart' | 'onWindowEnd' | 'onProgress'> => ({
    ...(o.onWindowStart === undefined ? {} : { onWindowStart: o.onWindowStart }),
    ...(o.onWindowEnd === undefined ? {} : { onWindowEnd: o.onWindowEnd }),
    ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
  });

  const generator = (pid: number): LoadGenerator => ({
    pid,
    closed(o) {
      const id = nextId++;
      const { onWindowStart, onWindowEnd, onProgress, ...spec } = o;
      const done = new Promise<LoadOutcome & ClientCpu>((resolve, reject) => {
        const p: Pending = {
          ...callbacksOf({ onWindowStart, onWindowEnd, onProgress }),
          clientCpuMs: 0,
          settle: (m) => {
            if (m.type !== 'closed-done') return;
            resolve({ ...m.outcome, histogram: decodeHistogram(m.outcome.histogram), servedBy: new Set(m.outcome.servedBy), clientCpuMs: p.clientCpuMs });
          },
          fail: reject,
        };
        pending.set(id, p);
      });
      send(id, { type: 'closed', id, spec: { ...spec, progress: onProgress !== undefined } });
      return { done, stop: () => { send(id, { type: 'stop', id }); } };
    },
    open(o) {
      const id = nextId++;
      const { onWindowStart, onWindowEnd, onProgress, ...spec } = o;
      const done = new Promise<OpenLoadOutcome & ClientCpu>((resolve, reject) => {
        const p: Pending = {
          ...callbacksOf({ onWindowStart, onWindowEnd, onProgress }),
          clientCpuMs: 0,
          settle: (m) => {
            if (m.type !== 'open-done') return;
            const e = m.outcome;
            resolve({ ...e, histogram: decodeHistogram(e.histogram), uncorrected: decodeHistogram(e.uncorrected), lateness: decodeHistogram(e.lateness), servedBy: new Set(e.servedBy), clientCpuMs: p.clientCpuMs });
          },
          fail: reject,
        };
        pending.set(id, p);
      });
      send(id, { type: 'open', id, spec: { ...spec, progress: onProgress !== undefined } });
      return { done, stop: () => { send(id, { type: 'stop', id }); } };
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  });

  return new Promise((resolve, reject) => {
    const onReady = (message: unknown): void => {
      if (!isFromLoad(message) || message.type !== 'ready') return;
      child.off('message', onReady);
      resolve(generator(message.pid));
    };
    child.on('message', onReady);
    void exited.then(() => {
      reject(gone ?? new Error('the load process did not start'));
    });
    child.once('error', (error) => {
      reject(new Error(`the load process could not start: ${error.message}`));
    });
  });
}

