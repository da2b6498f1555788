/**
 * One trial: one load window on a running server, with the server's CPU and memory, the client's CPU, and
 * the whole machine's load over exactly that window.
 */
import type { Histogram } from 'hdr-histogram-js';
import { messageOf } from '../../lib/errors.js';
import type { ChatCountsResult, Trial } from '../../results/schema.js';
import { summarize } from '../load/latency.js';
import type { LoadOutcome } from '../load/closed-loop.js';
import type { AgentPart, ClientCpu, LoadGenerator } from '../load/load-host.js';
import { coreMarks, type CoreMonitor } from '../machine/core-monitor.js';
import type { OpenLoadOutcome } from '../load/open-loop.js';
import type { Arrivals } from '../load/schedule.js';
import type { LoadProgress } from '../load/load-progress.js';
import { loadBetween, machineCpu, type CpuTimes } from '../machine/machine-load.js';
import { startSampler, type Sampler, type UsageSummary } from '../machine/sampler.js';
import type { RunningModel } from './servers.js';
import type { Protocol } from '../plan/workloads.js';
import type { TrialHeld } from '../../results/schema.js';
import { pause } from '../../lib/pause.js';
import { sentence } from '../../lib/lang/sentences.js';
import type { HeldConnections } from '../load/load-host.js';
import { startServerTrace, type ServerTrace } from '../machine/server-trace.js';
import { mergeTimeline } from './timeline-merge.js';
import type { FaultSpec } from '../plan/faults.js';
import { startFaults, type FaultRun } from '../faults/apply.js';
import { trialFaults } from '../faults/trial-faults.js';

/** Background load (other processes, % of one core) above which a trial is not trusted. */
export const BACKGROUND_LIMIT_PERCENT = 25;
/** Below this much CPU (server and client together, % of one core), a trial's pace does not hang on a core's speed. */
export const CPU_BOUND_PERCENT = 25;
/** Time taken by the hypervisor (% of the window, all cores) above which a trial is not trusted. */
export const STEAL_LIMIT_PERCENT = 10;

export interface TrialSpec {
  readonly paths: readonly string[];
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly maxDrainSeconds: number;
  /** Open loop: requests at a planned rate instead of `connections` closed-loop clients. */
  readonly open?: OpenSpec;
  /** The live view's samples of the running load (bench/load-progress.ts); not part of the measurement. */
  readonly onProgress?: LoadProgress;
  /** Every request on a new connection; the session workload's clients and their lost updates; the CA over HTTPS. */
  readonly newConnections?: boolean;
  readonly session?: boolean;
  readonly ca?: string;
  /** What the workload speaks: HTTP (the default), WebSocket echoes (closed loop) or a chat room at a rate (open). */
  readonly protocol?: Protocol;
  /** Idle WebSocket connections held open through the trial, opened before its load (--hold); 0 or absent: none. */
  readonly hold?: number;
  /** ws-chat: the room's members, the publisher included. */
  readonly members?: number;
  /** --fault: done to the server inside the window (bench/run/faults.ts); the trial goes on through them. */
  readonly faults?: readonly FaultSpec[];
}

export interface OpenSpec {
  readonly rate: number;
  readonly arrivals: Arrivals;
  readonly maxInflight: number;
  /** Gives the Poisson gaps (seeded by the run). */
  readonly random: () => number;
}

export interface TrialPlace {
  readonly round: number;
  readonly order: number;
  readonly retryOf?: number;
  /** Reasons known before the trial runs (the machine probe before the cell showed a drop). */
  readonly marked: readonly string[];
}

export interface TrialRun {
  readonly trial: Trial;
  /** The latency of the window's requests, to merge into the case's; null for a failed trial. */
  readonly histogram: Histogram | null;
  /** Open loop: the same requests timed from their actual send, and the client's lateness. */
  readonly uncorrected?: Histogram;
  readonly lateness?: Histogram;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

/** Marks of a trial from what the machine did during its window. */
export function machineMarks(background: number, steal: number): string[] {
  const marks: string[] = [];
  if (background > BACKGROUND_LIMIT_PERCENT) marks.push(sentence('mark.background', { cpu: Math.round(background) }));
  if (steal > STEAL_LIMIT_PERCENT) marks.push(sentence('mark.steal', { cpu: Math.round(steal) }));
  return marks;
}

/** Runs one trial; never throws: a server that dies or a load that fails makes a failed trial. */
/** What runs a trial beside the server: the load generator's process, and the cores' gauges where the machine has them. */
export interface TrialTools {
  readonly generator: LoadGenerator;
  readonly monitor?: CoreMonitor | null;
  /** The model the server runs: a fault aims at one of a cluster's processes, at the main process of the others. */
  readonly model?: string;
}

export async function runTrial(running: RunningModel, spec: TrialSpec, place: TrialPlace, signal: AbortSignal, tools: TrialTools): Promise<TrialRun> {
  const { generator } = tools;
  const base = { round: place.round, order: place.order, startedAt: new Date().toISOString(), marked: [...place.marked], ...(place.retryOf === undefined ? {} : { retryOf: place.retryOf }) };
  const { server } = running;
  // Filled by the window's callbacks while the load runs.
  const window: { sampler?: Sampler; usage?: UsageSummary; cpuStart: CpuTimes | null; cpuEnd: CpuTimes | null; startMs: number; endMs: number; faults?: FaultRun } = { cpuStart: null, cpuEnd: null, startMs: 0, endMs: 0 };
  const faults = spec.faults ?? [];
  const common = {
    url: server.url,
    paths: spec.paths,
    warmupSeconds: spec.warmupSeconds,
    durationSeconds: spec.durationSeconds,
    maxDrainSeconds: spec.maxDrainSeconds,
    ...(spec.onProgress === undefined ? {} : { onProgress: spec.onProgress }),
    newConnections: spec.newConnections === true,
    onWindowStart: () => {
      window.sampler = running.sampleUsage?.() ?? startSampler(server.pid);
      window.cpuStart = machineCpu();
      window.startMs = Date.now();
      if (faults.length > 0) window.faults = startFaults(faults, { model: tools.model ?? '', pid: server.pid, url: server.url, alive: () => running.died() === undefined, ...(spec.ca === undefined ? {} : { ca: spec.ca }) });
    },
    onWindowEnd: () => {
      window.usage = window.sampler?.stop();
      window.cpuEnd = machineCpu();
      window.endMs = Date.now();
    },
  };
  // --hold: the idle connections open first, and the server's memory is read before and after they do.
  let holding: { connections: HeldConnections; held: TrialHeld } | null = null;
  if ((spec.hold ?? 0) > 0) {
    try {
      holding = await holdIdle(running, spec, generator);
    } catch (error: unknown) {
      return { trial: { ...base, status: 'failed', error: running.died() ?? sentence('err.holding', { n: spec.hold ?? 0, why: messageOf(error) }) }, histogram: null };
    }
  }
  // The server's CPU and memory through the whole load, for the timeline (this machine's servers only: a remote one's
  // /proc is not here).
  const trace: ServerTrace | null = running.remote === true || running.sampleUsage !== undefined ? null : startServerTrace(server.pid);
  // The load runs in the load generator's own process; the Poisson gaps of an open loop come from a seed drawn
  // here, from the run's seeded sequence, so that every trial's arrivals differ and the run can be replayed.
  const ca = spec.ca === undefined ? {} : { ca: spec.ca };
  const load: { done: Promise<(LoadOutcome | OpenLoadOutcome) & ClientCpu & { readonly chat?: ChatCountsResult; readonly agents?: readonly AgentPart[] }>; stop(): void } =
    spec.open === undefined
      ? generator.closed({ ...common, connections: spec.connections, session: spec.session === true, ...(spec.protocol === 'ws-echo' ? { protocol: 'ws-echo' as const, ...ca } : {}) })
      : generator.open({ ...common, rate: spec.open.rate, arrivals: spec.open.arrivals, maxInflight: spec.open.maxInflight, seed: Math.floor(spec.open.random() * 2 ** 31), ...ca, ...(spec.protocol === 'ws-chat' ? { protocol: 'ws-chat' as const, members: spec.members ?? spec.connections } : {}) });
  const onAbort = (): void => {
    load.stop();
  };
  signal.addEventListener('abort', onAbort);
  // A server that dies ends its trial, unless the trial killed it on purpose: a fault is an experiment, and the load
  // goes on through the window to show what the clients met (not through a drain that nothing will answer).
  const killed = (): boolean => window.faults?.done.some((d) => d.spec.kind === 'kill' && d.appliedAtEpochMs !== null && d.error === null) ?? false;
  const onDeath = setInterval(() => {
    if (running.died() !== undefined && (!killed() || window.endMs > 0)) load.stop();
  }, 50);
  try {
    const outcome = await load.done;
    const timeline = mergeTimeline(outcome.timeline, trace?.stop() ?? null);
    window.faults?.end();
    const died = running.died();
    if (died !== undefined && !killed()) return { trial: { ...base, status: 'failed', error: died }, histogram: null };
    if (signal.aborted) return { trial: { ...base, status: 'failed', error: sentence('err.interrupted') }, histogram: null };
    const used = window.usage ?? window.sampler?.stop() ?? (running.sampleUsage?.() ?? startSampler(server.pid)).stop();
    // The client's CPU, measured in the load process between the window's edges. The lab's CPU on this machine is
    // the server's (a remote one's is spent on its own machine), the client's and the bench's own.
    const windowMs = outcome.durationSeconds * 1000;
    // With several agents (--agents), the client's CPU is its busiest agent's: whether a load process used a whole core.
    const agents = outcome.agents?.map((a) => ({ name: a.name, share: a.share, responses: a.responses, clientCpuPercent: windowMs > 0 ? round1((a.clientCpuMs / windowMs) * 100) : 0, ...(a.clientLagMs === undefined ? {} : { lagMs: a.clientLagMs }), ...(a.startLateMs === undefined ? {} : { startLateMs: a.startLateMs }) }));
    const clientCpuPercent = agents !== undefined && agents.length > 0 ? Math.max(...agents.map((a) => a.clientCpuPercent)) : windowMs > 0 ? round1((outcome.clientCpuMs / windowMs) * 100) : 0;
    // A cpu-hog fault's busy process is the lab's too: the trial is not marked busy for the load it asked for.
    // Agents on other machines (--broker) spend their CPU there: only this machine's count here.
    const clientCpuHereMs = outcome.agents === undefined ? outcome.clientCpuMs : outcome.agents.reduce((n, a) => n + (a.elsewhere === true ? 0 : a.clientCpuMs), 0);
    const labCpuMs = (running.remote === true ? 0 : used.serverCpuMs) + clientCpuHereMs + used.benchCpuMs + (window.faults?.busyCpuMs() ?? 0);
    const machine = loadBetween(window.cpuStart, window.cpuEnd ?? machineCpu(), labCpuMs);
    const latencyUs = summarize(outcome.histogram);
    // How fast each core computed during the window, by its gauge: a core the host slowed marks the trial.
    const coreSpeeds = tools.monitor?.speedsBetween(window.startMs, window.endMs || Date.now()) ?? [];
    const open =
      'uncorrected' in outcome
        ? { uncorrectedLatencyUs: summarize(outcome.uncorrected), late: outcome.late, dropped: outcome.dropped, lateness: summarize(outcome.lateness), meanInflight: Number(outcome.meanInflight.toPrecision(3)), planned: outcome.planned }
        : { rampSeconds: Math.round(outcome.rampSeconds * 1000) / 1000, unansweredAtWindow: outcome.unansweredAtWindow };
    return {
      trial: {
        ...base,
        // A core the host slowed matters only to a trial that computes: a case of waits (io) is not marked for it.
        marked: [...place.marked, ...machineMarks(machine.backgroundCpuPercent, machine.stealPercent), ...(used.serverCpuPercent + clientCpuPercent >= CPU_BOUND_PERCENT ? coreMarks(coreSpeeds) : [])],
        status: 'ok',
        durationSeconds: Math.round(outcome.durationSeconds * 1000) / 1000,
        requests: outcome.responses,
        rps: round1(outcome.responses / outcome.durationSeconds),
        latencyUs,
        sample: outcome.histogram.totalCount,
        censored: outcome.censored,
        errors: outcome.errors,
        timeouts: outcome.timeouts,
        non2xx: outcome.non2xx,
        serverCpuPercent: used.serverCpuPercent,
        serverRssPeakBytes: used.serverRssPeakBytes,
        serverProcesses: used.serverProcesses,
        clientCpuPercent,
        backgroundCpuPercent: machine.backgroundCpuPercent,
        ...(coreSpeeds.length === 0 ? {} : { coreSpeeds }),
        servedBy: outcome.servedBy.size,
        ...open,
        ...('lostUpdates' in outcome && outcome.lostUpdates !== undefined ? { lostUpdates: outcome.lostUpdates } : {}),
        ...(holding === null ? {} : { held: holding.held }),
        ...(outcome.chat === undefined ? {} : { chat: { ...outcome.chat } }),
        timeline,
        ...(agents === undefined ? {} : { agents }),
        ...(window.faults === undefined ? {} : { faults: trialFaults(window.faults.done, timeline, window.startMs, { dropped: 'dropped' in outcome ? outcome.dropped : 0, timeouts: outcome.timeouts, serverGone: died !== undefined }) }),
      },
      histogram: outcome.histogram,
      ...('uncorrected' in outcome ? { uncorrected: outcome.uncorrected, lateness: outcome.lateness } : {}),
    };
  } catch (error: unknown) {
    return { trial: { ...base, status: 'failed', error: running.died() ?? messageOf(error) }, histogram: null };
  } finally {
    window.faults?.end();
    trace?.stop();
    clearInterval(onDeath);
    signal.removeEventListener('abort', onAbort);
    await holding?.connections.release();
  }
}

/** How long a held connection may take to open: a model's line may keep its handshake waiting up to 10 s. */
const HOLD_OPEN_SECONDS = 12;
/** After the held connections open, the server's memory is read once it has had a moment to settle. */
const HOLD_SETTLE_MS = 300;

/** The server's resident memory now, its whole process tree (or what a remote target says of itself). */
function serverRssNow(running: RunningModel): number {
  return (running.sampleUsage?.() ?? startSampler(running.server.pid)).stop().serverRssPeakBytes;
}

/** How long the server may take to give back what the previous trial's held connections used (threads ending). */
const SETTLE_LIMIT_MS = 3000;

/**
 * The server's memory once it has stopped moving (two readings 100 ms apart within 1 %): the threads or processes of
 * the previous trial's held connections end after their connections close, and must not count as this trial's base.
 */
async function settledRss(running: RunningModel): Promise<number> {
  let last = serverRssNow(running);
  for (let waited = 0; waited < SETTLE_LIMIT_MS; waited += 100) {
    await pause(100);
    const now = serverRssNow(running);
    const steady = Math.abs(now - last) <= 0.01 * last;
    last = now;
    if (steady) break;
  }
  return last;
}

/** Opens the trial's idle connections (before its load) and measures what they cost the server in memory. */
async function holdIdle(running: RunningModel, spec: TrialSpec, generator: LoadGenerator): Promise<{ connections: HeldConnections; held: TrialHeld }> {
  const asked = spec.hold ?? 0;
  const rssBeforeBytes = await settledRss(running);
  const connections = generator.hold({ url: running.server.url, path: '/ws/echo', count: asked, timeoutSeconds: HOLD_OPEN_SECONDS, ...(spec.ca === undefined ? {} : { ca: spec.ca }) });
  try {
    const outcome = await connections.done;
    await pause(HOLD_SETTLE_MS);
    const rssAfterBytes = serverRssNow(running);
    return { connections, held: { asked, opened: outcome.opened, refused: outcome.refused, failed: outcome.failed, openSeconds: Math.round(outcome.seconds * 100) / 100, rssBeforeBytes, rssAfterBytes } };
  } catch (error: unknown) {
    await connections.release();
    throw error;
  }
}
