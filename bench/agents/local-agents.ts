/**
 * Several load agents on this machine (--agents N without a broker): N of the lab's own load processes
 * (bench/load/load-process.ts), each running its share of every load, seen by the bench as one load generator.
 * Each load is split among them in proportion to their weights (equal here: one process each), started on each at
 * once, and merged (bench/agents/merge.ts). The live view and the servers' warm-up hear one tick per round of the
 * agents' ticks, their counts added.
 */
import { hostname } from 'node:os';
import { sentence } from '../../lib/lang/sentences.js';
import type { AgentPart, HeldConnections, HostedClosedOptions, HostedOpenOptions, LoadGenerator } from '../load/load-host.js';
import { startLoadGenerator } from '../load/load-host.js';
import type { LoadProgress, LoadTick } from '../load/load-progress.js';
import type { HoldOutcome } from '../load/held.js';
import { newLatencyHistogram } from '../load/latency.js';
import { mergeClosed, mergeOpen, splitAmong, splitRate } from './merge.js';

/** What the results keep of an agent: its name, where it ran, its process, and its weight in the split. */
export interface AgentInfo {
  readonly name: string;
  readonly host: string;
  readonly pid: number;
  readonly weight: number;
  /** Its clock's offset in ms: 0 on this machine (one clock); a broker's agent, its clock minus the broker's. */
  readonly clockOffsetMs: number;
  /** A broker's agent: its Node.js version. */
  readonly node?: string;
}

export interface AgentGenerator extends LoadGenerator {
  readonly agents: readonly AgentInfo[];
}

/** One tick per round of the agents' ticks: a tick of each, their counts added and histograms merged. */
function tickMerger(count: number, onProgress: LoadProgress): (agent: number) => LoadProgress {
  const queues: LoadTick[][] = Array.from({ length: count }, () => []);
  return (agent) => (tick) => {
    // The tick's histogram is its own (decoded from the agent's message), so it may wait for the others'.
    queues[agent]?.push(tick);
    if (!queues.every((q) => q.length > 0)) return;
    const round = queues.map((q) => q.shift()).filter((x): x is LoadTick => x !== undefined);
    const histogram = newLatencyHistogram();
    for (const t of round) histogram.add(t.histogram);
    const head = round[0];
    if (head === undefined) return;
    onProgress({
      elapsedSeconds: Math.max(...round.map((t) => t.elapsedSeconds)),
      intervalSeconds: Math.max(...round.map((t) => t.intervalSeconds)),
      stage: head.stage,
      responses: round.reduce((a, t) => a + t.responses, 0),
      errors: round.reduce((a, t) => a + t.errors, 0),
      histogram,
    });
  };
}

/** The window's edges, once: opened with the first agent's window, closed with the last one's. */
function edges(count: number, onStart?: () => void, onEnd?: () => void): { start: () => void; end: () => void } {
  let started = 0;
  let ended = 0;
  return {
    start: () => {
      started += 1;
      if (started === 1) onStart?.();
    },
    end: () => {
      ended += 1;
      if (ended === count) onEnd?.();
    },
  };
}

/** The callbacks each agent's part of a load reports through: window edges once for all, ticks one per round. */
export interface PartCallbacks {
  readonly onWindowStart: () => void;
  readonly onWindowEnd: () => void;
  readonly onProgress?: LoadProgress;
}

/** One agent's part of a load: its name, its share, and how its part starts (with the callbacks it reports through). */
export interface LoadPart<T> {
  readonly name: string;
  readonly share: number;
  start(callbacks: PartCallbacks, k: number): { readonly done: Promise<T>; stop(): void };
}

/** What an agent's part says of itself besides the load's outcome (a remote agent: how late it started). */
interface PartMeasures {
  readonly responses: number;
  readonly clientCpuMs: number;
  readonly clientLagMs?: number;
  readonly startLateMs?: number;
  readonly elsewhere?: boolean;
  readonly histogram?: { readonly totalCount: number };
}

/**
 * A load run by every part (each with a share > 0): each started with its callbacks, stopped together, their outcomes
 * merged, each agent's part kept.
 */
export function fanOut<T extends PartMeasures, M>(
  parts: readonly LoadPart<T>[],
  o: { readonly onWindowStart?: () => void; readonly onWindowEnd?: () => void; readonly onProgress?: LoadProgress },
  merge: (outcomes: readonly T[]) => M,
): { readonly done: Promise<M & { readonly agents: readonly AgentPart[] }>; stop(): void } {
  const taking = parts.filter((p) => p.share > 0);
  const edge = edges(taking.length, o.onWindowStart, o.onWindowEnd);
  const ticks = o.onProgress === undefined ? null : tickMerger(taking.length, o.onProgress);
  const loads = taking.map((part, k) => part.start({ onWindowStart: edge.start, onWindowEnd: edge.end, ...(ticks === null ? {} : { onProgress: ticks(k) }) }, k));
  const stopAll = (): void => {
    for (const l of loads) l.stop();
  };
  // A part that fails ends the load: the others stop too (an agent still loading would be busy for the next one).
  const done = Promise.all(
    loads.map((l) =>
      l.done.catch((error: unknown) => {
        stopAll();
        throw error;
      }),
    ),
  ).then((outcomes) => ({
    ...merge(outcomes),
    agents: outcomes.map((p, k): AgentPart => ({
      name: taking[k]?.name ?? '',
      share: taking[k]?.share ?? 0,
      responses: p.responses,
      ...(p.histogram === undefined ? {} : { recorded: p.histogram.totalCount }),
      clientCpuMs: p.clientCpuMs,
      ...(p.clientLagMs === undefined ? {} : { clientLagMs: p.clientLagMs }),
      ...(p.startLateMs === undefined ? {} : { startLateMs: p.startLateMs }),
      ...(p.elsewhere === true ? { elsewhere: true } : {}),
    })),
  }));
  return { done, stop: stopAll };
}

/** Idle connections held by each agent with a share of them, as one hold. */
export function holdAmong(held: readonly HeldConnections[]): HeldConnections {
  const done = Promise.all(held.map((h) => h.done)).then(
    (outcomes): HoldOutcome => ({
      opened: outcomes.reduce((a, x) => a + x.opened, 0),
      refused: outcomes.reduce((a, x) => a + x.refused, 0),
      failed: outcomes.reduce((a, x) => a + x.failed, 0),
      seconds: Math.max(0, ...outcomes.map((x) => x.seconds)),
    }),
  );
  return {
    done,
    release: async () => {
      await Promise.all(held.map((h) => h.release()));
    },
  };
}

export async function startLocalAgents(count: number, options: { readonly fileLimit?: number | null; readonly cpus?: string } = {}): Promise<AgentGenerator> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startLoadGenerator(options)));
  const generators = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(generators.map((g) => g.close()));
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  const host = hostname();
  const agents: AgentInfo[] = generators.map((g, i) => ({ name: `local-${i + 1}`, host, pid: g.pid, weight: 1, clockOffsetMs: 0 }));
  const weights = agents.map((a) => a.weight);
  const part = <T>(i: number, share: number, start: (generator: LoadGenerator, callbacks: PartCallbacks, k: number) => { readonly done: Promise<T>; stop(): void }): LoadPart<T> => ({
    name: agents[i]?.name ?? '',
    share,
    start: (callbacks, k) => {
      const generator = generators[i];
      if (generator === undefined) throw new Error(sentence('err.agentGone', { n: i + 1 }));
      return start(generator, callbacks, k);
    },
  });

  return {
    pid: generators[0]?.pid ?? process.pid,
    pids: generators.map((g) => g.pid),
    agents,
    closed(o: HostedClosedOptions) {
      // An agent with no share of a load (fewer clients than agents) sits it out.
      const shares = splitAmong(o.connections, weights);
      return fanOut(shares.map((share, i) => part(i, share, (generator, callbacks) => generator.closed({ ...o, ...callbacks, connections: share }))), o, mergeClosed);
    },
    open(o: HostedOpenOptions) {
      const rates = splitRate(o.rate, weights);
      const inflight = splitAmong(o.maxInflight, rates.filter((r) => r > 0).map(() => 1));
      // Each agent its own Poisson gaps (the same seed would send their requests in step).
      return fanOut(rates.map((rate, i) => part(i, rate, (generator, callbacks, k) => generator.open({ ...o, ...callbacks, rate, maxInflight: Math.max(1, inflight[k] ?? 1), seed: (o.seed + 7919 * k) % 2 ** 31 }))), o, mergeOpen);
    },
    hold(spec) {
      const shares = splitAmong(spec.count, weights);
      return holdAmong(generators.flatMap((g, i) => ((shares[i] ?? 0) > 0 ? [g.hold({ ...spec, count: shares[i] ?? 0 })] : [])));
    },
    async close() {
      await Promise.all(generators.map((g) => g.close()));
    },
  };
}

