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
import { isTextKey } from '../../lib/lang/lang.js';
import { sentence } from '../../lib/lang/sentences.js';
import type { LoadOptions, LoadOutcome } from './closed-loop.js';
import { decodeClosed, decodeOpen, decodeTick, isFromLoad, type ClosedProtocol, type FromLoad, type OpenProtocol } from './load-messages.js';
import type { HoldOutcome, HoldSpec } from './held.js';
import type { ChatCounts } from './ws-chat.js';
import type { LoadProgress } from './load-progress.js';
import type { OpenLoadOptions, OpenLoadOutcome } from './open-loop.js';

/** The client's CPU over the window, measured in the load process itself. */
export interface ClientCpu {
  /** CPU time (user + system) of the load process between the window's edges, ms. */
  readonly clientCpuMs: number;
  /** The 99th percentile of the load process's event-loop delay over the window, ms (where it was measured). */
  readonly clientLagMs?: number;
}

export type HostedOpenOptions = Omit<OpenLoadOptions, 'random' | 'clock'> & { readonly seed: number; readonly protocol?: OpenProtocol; readonly members?: number };
export type HostedClosedOptions = LoadOptions & { readonly protocol?: ClosedProtocol; readonly ca?: string };

/** One load agent's part of a load, where the load was split among several (--agents, bench/agents/local-agents.ts). */
export interface AgentPart {
  readonly name: string;
  /** Its clients (closed loop) or its requests per second offered (open loop). */
  readonly share: number;
  readonly responses: number;
  /** The answers its latency histogram holds (the merged histogram holds the sum of the agents'). */
  readonly recorded?: number;
  readonly clientCpuMs: number;
  readonly clientLagMs?: number;
  /** A broker's agent on another machine: its CPU is not this machine's. */
  readonly elsewhere?: boolean;
  /** A broker's agent: how long after the common start time it began, ms. */
  readonly startLateMs?: number;
}

/** Idle connections held by the load process until released (--hold). */
export interface HeldConnections {
  readonly done: Promise<HoldOutcome>;
  release(): Promise<void>;
}

export interface LoadGenerator {
  readonly pid: number;
  /** Every process the load runs in, where there are several (--agents): each is placed as `pid` is. */
  readonly pids?: readonly number[];
  closed(options: HostedClosedOptions): { readonly done: Promise<LoadOutcome & ClientCpu & { readonly agents?: readonly AgentPart[] }>; stop(): void };
  open(options: HostedOpenOptions): { readonly done: Promise<OpenLoadOutcome & ClientCpu & { readonly chat?: ChatCounts; readonly agents?: readonly AgentPart[] }>; stop(): void };
  hold(spec: HoldSpec): HeldConnections;
  /** Ends the load process (any load still running fails). */
  close(): Promise<void>;
}

/** The compiled entry beside this module; from the sources (tests), the one the build put in dist/. */
function entry(): string {
  const beside = fileURLToPath(new URL('./load-process.js', import.meta.url));
  return existsSync(beside) ? beside : join(repoRoot, 'dist', 'bench', 'load', 'load-process.js');
}

interface PendingHold {
  held(outcome: HoldOutcome): void;
  released(): void;
  fail(error: Error): void;
}

interface Pending {
  readonly onWindowStart?: () => void;
  readonly onWindowEnd?: () => void;
  readonly onProgress?: LoadProgress;
  windowCpuMs?: number;
  clientCpuMs: number;
  clientLagMs?: number;
  settle(message: Extract<FromLoad, { type: 'closed-done' | 'open-done' }>): void;
  fail(error: Error): void;
}

/** What the load process said of itself over the window. */
const clientOf = (p: Pending): ClientCpu => ({ clientCpuMs: p.clientCpuMs, ...(p.clientLagMs === undefined ? {} : { clientLagMs: p.clientLagMs }) });

const live = new Set<ChildProcess>();
// Last resort: no load process outlives the bench (it also ends on its own when its IPC channel closes).
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts the load process; `cpus` (a taskset list such as "1" or "2-3") pins it; `fileLimit` raises its open files
 * (prlimit: --hold opens a connection per idle client). Resolves once it is ready.
 */
export function startLoadGenerator(options: { readonly cpus?: string; readonly fileLimit?: number | null } = {}): Promise<LoadGenerator> {
  const command = [
    ...(options.fileLimit === undefined || options.fileLimit === null ? [] : ['prlimit', `--nofile=${options.fileLimit}:${options.fileLimit}`, '--']),
    ...(options.cpus === undefined ? [] : ['taskset', '-c', options.cpus]),
    process.execPath,
    entry(),
  ];
  const [program = process.execPath, ...args] = command;
  const child = spawn(program, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  live.add(child);
  const pending = new Map<number, Pending>();
  const holds = new Map<number, PendingHold>();
  let nextId = 1;
  let gone: Error | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      gone = new Error(signal === null ? sentence('err.loadExited', { code: String(code) }) : sentence('err.loadKilled', { signal }));
      for (const p of pending.values()) p.fail(gone);
      pending.clear();
      for (const h of holds.values()) h.fail(gone);
      holds.clear();
      resolve();
    });
  });
  child.on('message', (message: unknown) => {
    if (!isFromLoad(message) || message.type === 'ready') return;
    if (message.type === 'held' || message.type === 'released') {
      const h = holds.get(message.id);
      if (message.type === 'held') h?.held(message.outcome);
      else {
        holds.delete(message.id);
        h?.released();
      }
      return;
    }
    const p = pending.get(message.id);
    if (p === undefined) return;
    switch (message.type) {
      case 'tick':
        p.onProgress?.(decodeTick(message.tick));
        return;
      case 'window':
        if (message.edge === 'start') {
          p.windowCpuMs = message.cpuMs;
          p.onWindowStart?.();
        } else {
          p.clientCpuMs = Math.max(0, message.cpuMs - (p.windowCpuMs ?? message.cpuMs));
          if (message.lagMs !== undefined) p.clientLagMs = message.lagMs;
          p.onWindowEnd?.();
        }
        return;
      case 'failed':
        pending.delete(message.id);
        p.fail(new Error(message.said !== undefined && isTextKey(message.said.key) ? sentence(message.said.key, message.said.args) : message.message));
        return;
      default:
        pending.delete(message.id);
        p.settle(message);
    }
  });
  const send = (id: number, message: Parameters<NonNullable<ChildProcess['send']>>[0]): void => {
    if (gone !== null || !child.connected) {
      pending.get(id)?.fail(gone ?? new Error(sentence('err.loadGone')));
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
            resolve({ ...decodeClosed(m.outcome), ...clientOf(p) });
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
            resolve({ ...decodeOpen(m.outcome), ...clientOf(p) });
          },
          fail: reject,
        };
        pending.set(id, p);
      });
      send(id, { type: 'open', id, spec: { ...spec, progress: onProgress !== undefined } });
      return { done, stop: () => { send(id, { type: 'stop', id }); } };
    },
    hold(spec) {
      const id = nextId++;
      let onReleased: () => void = () => undefined;
      const released = new Promise<void>((resolve) => {
        onReleased = resolve;
      });
      const done = new Promise<HoldOutcome>((resolve, reject) => {
        holds.set(id, {
          held: resolve,
          released: onReleased,
          fail: (error) => {
            reject(error);
            onReleased();
          },
        });
      });
      // A failure of the load process is told by the trial's own load; this promise must not go unhandled.
      done.catch(() => undefined);
      if (gone !== null || !child.connected) holds.get(id)?.fail(gone ?? new Error(sentence('err.loadGone')));
      else child.send({ type: 'hold', id, spec });
      return {
        done,
        release: () => {
          if (gone === null && child.connected) child.send({ type: 'release', id });
          else onReleased();
          return released;
        },
      };
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
      reject(gone ?? new Error(sentence('err.loadNoStart')));
    });
    child.once('error', (error) => {
      reject(new Error(sentence('err.loadCouldNotStart', { why: error.message })));
    });
  });
}

