/**
 * One cell (workload × clients): the trials of every model, interleaved in rounds: a fixed number of rounds, then
 * each round that holds a trial taken while the machine was busy or slower is played once more, whole, after a
 * fresh probe of the machine, as long as the budget allows. Each model's trials become its case.
 */
import { summarizeCase, usedTrials } from '../../results/stats/case-summary.js';
import { caseFaults } from '../../results/stats/case-faults.js';
import type { Histogram } from 'hdr-histogram-js';
import type { CaseResult, Trial, Warning } from '../../results/schema.js';
import { messageOf } from '../../lib/errors.js';
import type { ModelName } from '../../servers/catalogue.js';
import { latencyFigures, newLatencyHistogram, type LatencyFigures } from '../load/latency.js';
import type { ServerSet, Warmup } from './servers.js';
import { interleavedRounds, shuffled } from './rounds.js';
import { runTrial, type TrialRun, type TrialSpec } from './trial.js';
import type { LoadGenerator } from '../load/load-host.js';
import type { CoreMonitor } from '../machine/core-monitor.js';

export interface CellModel {
  readonly model: ModelName;
  readonly params: Readonly<Record<string, number>>;
}

export interface CellHooks {
  onTrialStart?(model: ModelName, round: number, retry: boolean): void;
  onTrialEnd?(model: ModelName, run: TrialRun): void;
}

export interface CellContext {
  readonly servers: ServerSet;
  readonly spec: TrialSpec;
  readonly minTrials: number;
  readonly maxTrials: number;
  readonly random: () => number;
  readonly signal: AbortSignal;
  readonly cpus: number;
  /** Marks for the cell's trials from the probe taken just before it. */
  readonly marks: readonly string[];
  /** Probes the machine again before the retries; returns the marks they carry. */
  reprobe(): Promise<string[]>;
  /** Whether an extra round of about this many seconds still fits the run's budget. */
  allowsExtra(seconds: number): boolean;
  readonly hooks?: CellHooks;
  /** The load generator's process, which runs every trial's load. */
  readonly generator: LoadGenerator;
  /** The cores' gauges, which mark a trial taken while the host slowed a core; null where the machine has none. */
  readonly monitor?: CoreMonitor | null;
  /** Pins a server's processes where the cell runs them (--cpus); returns what went wrong, if anything. */
  pinServer?(pid: number): string | null;
  /** Where the cell's server and client ran, recorded with each case. */
  readonly placement?: { readonly server: string | null; readonly client: string | null };
  /** Runs one trial (bench/run/trial.ts); tests give a stand-in to drive the rounds without load. */
  readonly runTrial?: typeof runTrial;
}

interface ModelTrials {
  readonly cell: CellModel;
  readonly runs: TrialRun[];
  readonly problems: Warning[];
  /** The warm-ups of the servers its trials ran on (one unless a server was started again). */
  readonly warmups: Warmup[];
}

/**
 * The load before a case's first window, at the case's own level, not recorded. A server warmed until it settled at
 * 8 clients still meets its first trial at 1 client cold (a default run's first trials at 1 client ran at 0.5–0.8× the
 * others': `static` on every model, `worker-pool` on `hello`); the trials after it are warmed by the ones before.
 */
export const FIRST_TRIAL_WARMUP_SECONDS = 0.5;

/**
 * The spec of a case's trial: its first one (a closed loop's) warms at its own level first; so does each faulted one,
 * on a server started afresh, so that a fault early in the window has a throughput before it to recover to.
 */
function firstOfCase(spec: TrialSpec, first: boolean): TrialSpec {
  if (!(first || (spec.faults?.length ?? 0) > 0) || spec.open !== undefined || spec.protocol === 'ws-chat' || spec.warmupSeconds >= FIRST_TRIAL_WARMUP_SECONDS) return spec;
  return { ...spec, warmupSeconds: FIRST_TRIAL_WARMUP_SECONDS };
}

export async function runCell(workload: string, connections: number, models: readonly CellModel[], ctx: CellContext): Promise<CaseResult[]> {
  // A function, not a property read: the signal changes while a trial runs, which narrowing cannot see.
  const aborted = (): boolean => ctx.signal.aborted;
  const byModel = new Map<ModelName, ModelTrials>(models.map((m) => [m.model, { cell: m, runs: [], problems: [], warmups: [] }]));
  let round = 0;
  const trialSeconds: number[] = [];

  const runOne = async (entry: ModelTrials, order: number, marks: readonly string[], retryOf?: number): Promise<void> => {
    const { model, params } = entry.cell;
    ctx.hooks?.onTrialStart?.(model, round, retryOf !== undefined);
    const t0 = performance.now();
    const place = { round, order, marked: marks, ...(retryOf === undefined ? {} : { retryOf }) };
    let run: TrialRun;
    try {
      // Pinned where the cell runs it (--cpus): a new server before its warm-up, a running one again (a cluster may
      // have replaced a process, a cell of another number of clients may place it elsewhere).
      const running = await ctx.servers.ensure(model, params, (pid) => {
        const pinned = ctx.pinServer?.(pid) ?? null;
        if (pinned !== null && !entry.problems.some((p) => p.message === pinned)) entry.problems.push({ code: 'placement', message: pinned });
        return pinned;
      });
      if (running.warmup !== undefined && !entry.warmups.includes(running.warmup)) entry.warmups.push(running.warmup);
      run = await (ctx.runTrial ?? runTrial)(running, firstOfCase(ctx.spec, entry.runs.length === 0), place, ctx.signal, { generator: ctx.generator, monitor: ctx.monitor ?? null, model });
      if (run.trial.status === 'failed' || (run.trial.faults?.length ?? 0) > 0) {
        // A dead or failing server is started afresh for its next trial; so is one a fault was done to (a cluster
        // that replaced a process, connections a slowloris left): each faulted trial starts from a whole server.
        const problem = await ctx.servers.stop(model);
        if (problem !== undefined) entry.problems.push({ code: 'server-stop', message: problem });
      }
    } catch (error: unknown) {
      run = { trial: { round, order, startedAt: new Date().toISOString(), marked: [...marks], status: 'failed', error: messageOf(error), ...(retryOf === undefined ? {} : { retryOf }) }, histogram: null };
    }
    trialSeconds.push((performance.now() - t0) / 1000);
    entry.runs.push(run);
    ctx.hooks?.onTrialEnd?.(model, run);
  };

  /** One round: every model once, in the given order; `retries` maps a model to the trial it re-measures. */
  const playRound = async (order: readonly ModelTrials[], marks: readonly string[], retries?: ReadonlyMap<ModelTrials, number>): Promise<void> => {
    round += 1;
    for (const [position, entry] of order.entries()) {
      if (aborted()) return;
      await runOne(entry, position, marks, retries?.get(entry));
    }
  };

  const entries = [...byModel.values()];
  for (const order of interleavedRounds(entries, ctx.minTrials, ctx.random)) {
    if (aborted()) break;
    await playRound(order, ctx.marks);
  }

  // No round is added because an interval came out wide: an interval chosen for being narrow would not mean 95 %.
  // The number of trials is fixed before any is measured; only a trial taken on a busy or slower machine is played
  // again (below), and that decision looks at the machine, never at the figure.
  const roundSeconds = (): number => (trialSeconds.reduce((a, b) => a + b, 0) / Math.max(1, trialSeconds.length)) * entries.length;

  // Retries: a round that holds a marked trial is played again, whole, after a fresh look at the machine, so that
  // the retried trials pair with the other models' (conclusions compare models round by round). Within the budget.
  const markedRounds = [...new Set(entries.flatMap((e) => e.runs.filter((r) => r.trial.marked.length > 0 && r.trial.retryOf === undefined).map((r) => r.trial.round)))].sort((a, b) => a - b);
  let marks: readonly string[] | undefined;
  for (const original of markedRounds) {
    // Retries fit the budget and --max-trials (trials per case, retries included).
    if (aborted() || round >= ctx.maxTrials || !ctx.allowsExtra(roundSeconds())) break;
    marks ??= await ctx.reprobe();
    const retries = new Map<ModelTrials, number>();
    for (const e of entries) {
      const index = e.runs.findIndex((r) => r.trial.round === original);
      if (index !== -1) retries.set(e, index);
    }
    await playRound(shuffled(entries, ctx.random), marks, retries);
  }

  return entries.map((e) => ({ ...caseOf(workload, connections, e, ctx.cpus, ctx.spec.open?.rate), ...(ctx.placement === undefined ? {} : { placement: ctx.placement }) }));
}

function caseOf(workload: string, connections: number, entry: ModelTrials, cpus: number, targetRate: number | undefined): CaseResult {
  const trials: Trial[] = entry.runs.map((r) => r.trial);
  const used = new Set(usedTrials(trials).used);
  const usedRuns = entry.runs.filter((r) => r.trial.status === 'ok' && used.has(r.trial));
  /** The used trials' histograms of one kind, together: the percentiles of all their answers, with their intervals. */
  const merge = (pick: (r: TrialRun) => Histogram | null | undefined): LatencyFigures | null => {
    const merged = newLatencyHistogram();
    for (const run of usedRuns) {
      const h = pick(run);
      if (h !== null && h !== undefined) merged.add(h);
    }
    return merged.totalCount > 0 ? latencyFigures(merged) : null;
  };
  const base = { model: entry.cell.model, modelParams: entry.cell.params, workload, connections, trials, merged: merge((r) => r.histogram), cpus, extraWarnings: entry.problems, warmups: entry.warmups };
  const summary = targetRate === undefined ? summarizeCase(base) : summarizeCase({ ...base, open: { targetRate, uncorrected: merge((r) => r.uncorrected), lateness: merge((r) => r.lateness)?.latencyUs ?? null } });
  if (summary.status !== 'ok') return summary;
  const faults = caseFaults(trials);
  return faults === undefined ? summary : { ...summary, faults };
}

