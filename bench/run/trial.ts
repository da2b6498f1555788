/**
 * One trial: one load window on a running server, with the server's CPU and memory, the client's CPU, and
 * the whole machine's load over exactly that window.
 */
import type { Histogram } from 'hdr-histogram-js';
import { messageOf } from '../../lib/errors.js';
import type { Trial } from '../../results/schema.js';
import { summarize } from '../load/latency.js';
import { startLoad, type LoadOutcome } from '../load/closed-loop.js';
import { startOpenLoad, type OpenLoadOutcome } from '../load/open-loop.js';
import type { Arrivals } from '../load/schedule.js';
import type { LoadProgress } from '../load/load-progress.js';
import { loadBetween, machineCpu, type CpuTimes } from '../machine/machine-load.js';
import { startSampler, type Sampler, type UsageSummary } from '../machine/sampler.js';
import type { RunningModel } from './servers.js';

/** Background load (other processes, % of one core) above which a trial is not trusted. */
export const BACKGROUND_LIMIT_PERCENT = 25;
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
  if (background > BACKGROUND_LIMIT_PERCENT) marks.push(`other processes used ${Math.round(background)}% of a core during the trial`);
  if (steal > STEAL_LIMIT_PERCENT) marks.push(`the hypervisor took ${Math.round(steal)}% of the CPU time during the trial`);
  return marks;
}

/** Runs one trial; never throws: a server that dies or a load that fails makes a failed trial. */
export async function runTrial(running: RunningModel, spec: TrialSpec, place: TrialPlace, signal: AbortSignal): Promise<TrialRun> {
  const base = { round: place.round, order: place.order, startedAt: new Date().toISOString(), marked: [...place.marked], ...(place.retryOf === undefined ? {} : { retryOf: place.retryOf }) };
  const { server } = running;
  // Filled by the window's callbacks while the load runs.
  const window: { sampler?: Sampler; usage?: UsageSummary; cpuStart: CpuTimes | null; cpuEnd: CpuTimes | null } = { cpuStart: null, cpuEnd: null };
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
    },
    onWindowEnd: () => {
      window.usage = window.sampler?.stop();
      window.cpuEnd = machineCpu();
    },
  };
  const load: { done: Promise<LoadOutcome | OpenLoadOutcome>; stop(): void } =
    spec.open === undefined
      ? startLoad({ ...common, connections: spec.connections, session: spec.session === true })
      : startOpenLoad({ ...common, rate: spec.open.rate, arrivals: spec.open.arrivals, maxInflight: spec.open.maxInflight, random: spec.open.random, ...(spec.ca === undefined ? {} : { ca: spec.ca }) });
  const onAbort = (): void => {
    load.stop();
  };
  signal.addEventListener('abort', onAbort);
  const onDeath = setInterval(() => {
    if (running.died() !== undefined) load.stop();
  }, 50);
  try {
    const outcome = await load.done;
    const died = running.died();
    if (died !== undefined) return { trial: { ...base, status: 'failed', error: died }, histogram: null };
    if (signal.aborted) return { trial: { ...base, status: 'failed', error: 'interrupted' }, histogram: null };
    const used = window.usage ?? window.sampler?.stop() ?? (running.sampleUsage?.() ?? startSampler(server.pid)).stop();
    // A remote server's CPU is spent on its own machine: here, only the client's is the lab's.
    const labCpuMs = running.remote === true ? used.clientCpuMs : used.serverCpuMs + used.clientCpuMs;
    const machine = loadBetween(window.cpuStart, window.cpuEnd ?? machineCpu(), labCpuMs);
    const latencyUs = summarize(outcome.histogram);
    const open =
      'uncorrected' in outcome
        ? { uncorrectedLatencyUs: summarize(outcome.uncorrected), late: outcome.late, dropped: outcome.dropped, lateness: summarize(outcome.lateness), meanInflight: Number(outcome.meanInflight.toPrecision(3)), planned: outcome.planned }
        : { rampSeconds: Math.round(outcome.rampSeconds * 1000) / 1000, unansweredAtWindow: outcome.unansweredAtWindow };
    return {
      trial: {
        ...base,
        marked: [...place.marked, ...machineMarks(machine.backgroundCpuPercent, machine.stealPercent)],
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
        clientCpuPercent: used.clientCpuPercent,
        backgroundCpuPercent: machine.backgroundCpuPercent,
        servedBy: outcome.servedBy.size,
        ...open,
        ...('lostUpdates' in outcome && outcome.lostUpdates !== undefined ? { lostUpdates: outcome.lostUpdates } : {}),
      },
      histogram: outcome.histogram,
      ...('uncorrected' in outcome ? { uncorrected: outcome.uncorrected, lateness: outcome.lateness } : {}),
    };
  } catch (error: unknown) {
    return { trial: { ...base, status: 'failed', error: running.died() ?? messageOf(error) }, histogram: null };
  } finally {
    clearInterval(onDeath);
    signal.removeEventListener('abort', onAbort);
  }
}
