/**
 * One cell (workload × clients): the trials of every model, interleaved in rounds. After the base rounds,
 * where a throughput interval is still wider than ±10 % and the run's budget has room, another round is
 * added (up to maxTrials); then each trial taken while the machine was busy or slower is retried once, in a
 * last round after a fresh probe of the machine. Each model's trials become its case.
 */
import { summarizeCase, usedTrials, WIDE_INTERVAL } from '../results/case-summary.js';
import type { CaseResult, Trial, Warning } from '../results/schema.js';
import { interval95, relativeHalfWidth } from '../results/stats.js';
import type { ModelName } from '../servers/catalogue.js';
import { distribution, newLatencyHistogram, summarize } from './latency.js';
import type { ServerSet } from './servers.js';
import { interleavedRounds, shuffled } from './shuffle.js';
import { runTrial, type TrialRun, type TrialSpec } from './trial.js';

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
}

interface ModelTrials {
  readonly cell: CellModel;
  readonly runs: TrialRun[];
  readonly problems: Warning[];
}

export async function runCell(workload: string, connections: number, models: readonly CellModel[], ctx: CellContext): Promise<CaseResult[]> {
  // A function, not a property read: the signal changes while a trial runs, which narrowing cannot see.
  const aborted = (): boolean => ctx.signal.aborted;
  const byModel = new Map<ModelName, ModelTrials>(models.map((m) => [m.model, { cell: m, runs: [], problems: [] }]));
  let round = 0;
  const trialSeconds: number[] = [];

  const runOne = async (entry: ModelTrials, order: number, marks: readonly string[], retryOf?: number): Promise<void> => {
    const { model, params } = entry.cell;
    ctx.hooks?.onTrialStart?.(model, round, retryOf !== undefined);
    const t0 = performance.now();
    const place = { round, order, marked: marks, ...(retryOf === undefined ? {} : { retryOf }) };
    let run: TrialRun;
    try {
      const running = await ctx.servers.ensure(model, params);
      run = await runTrial(running, ctx.spec, place, ctx.signal);
      if (run.trial.status === 'failed') {
        // A dead or failing server is started afresh for its next trial.
        const problem = await ctx.servers.stop(model);
        if (problem !== undefined) entry.problems.push({ code: 'server-stop', message: problem });
      }
    } catch (error: unknown) {
      const reason = error instanceof Error ? error.message : String(error);
      run = { trial: { round, order, startedAt: new Date().toISOString(), marked: [...marks], status: 'failed', error: reason, ...(retryOf === undefined ? {} : { retryOf }) }, histogram: null };
    }
    trialSeconds.push((performance.now() - t0) / 1000);
    entry.runs.push(run);
    ctx.hooks?.onTrialEnd?.(model, run);
  };

  const playRound = async (entries: readonly ModelTrials[], marks: readonly string[]): Promise<void> => {
    round += 1;
    for (const [order, entry] of shuffled(entries, ctx.random).entries()) {
      if (aborted()) return;
      await runOne(entry, order, marks);
    }
  };

  const entries = [...byModel.values()];
  for (const order of interleavedRounds(entries, ctx.minTrials, ctx.random)) {
    if (aborted()) break;
    round += 1;
    for (const [position, entry] of order.entries()) {
      if (aborted()) break;
      await runOne(entry, position, ctx.marks);
    }
  }

  // Adaptive: more rounds while an interval is wide, within the cap and the budget.
  const wide = (): boolean =>
    entries.some((e) => {
      const used = usedTrials(e.runs.map((r) => r.trial)).used.map((t) => t.rps);
      if (used.length < 2) return false; // failing or too few: more rounds of the same will not help
      const sorted = [...used].sort((a, b) => a - b);
      const mid = sorted[Math.floor(sorted.length / 2)] ?? 0;
      return relativeHalfWidth(mid, interval95(used)) > WIDE_INTERVAL;
    });
  const roundSeconds = (): number => (trialSeconds.reduce((a, b) => a + b, 0) / Math.max(1, trialSeconds.length)) * entries.length;
  while (!aborted() && round < ctx.maxTrials && wide() && ctx.allowsExtra(roundSeconds())) {
    await playRound(entries, ctx.marks);
  }

  // Retries: each marked trial once more, after a fresh look at the machine.
  const toRetry = entries.flatMap((e) => e.runs.flatMap((r, index) => (r.trial.marked.length > 0 && r.trial.retryOf === undefined ? [{ e, index }] : [])));
  // The retries of one round's trials form a round of their own, so that they pair with each other.
  if (toRetry.length > 0 && !aborted()) {
    const marks = await ctx.reprobe();
    const lastRound = round;
    const byRound = new Map<number, typeof toRetry>();
    for (const item of toRetry) {
      const original = item.e.runs[item.index]?.trial.round ?? 0;
      byRound.set(original, [...(byRound.get(original) ?? []), item]);
    }
    for (const [original, items] of [...byRound].sort(([a], [b]) => a - b)) {
      round = lastRound + original;
      for (const [order, { e, index }] of shuffled(items, ctx.random).entries()) {
        if (aborted()) break;
        await runOne(e, order, marks, index);
      }
    }
  }

  return entries.map((e) => caseOf(workload, connections, e, ctx.cpus));
}

function caseOf(workload: string, connections: number, entry: ModelTrials, cpus: number): CaseResult {
  const trials: Trial[] = entry.runs.map((r) => r.trial);
  const used = new Set(usedTrials(trials).used);
  const merged = newLatencyHistogram();
  let any = false;
  for (const run of entry.runs) {
    if (run.histogram !== null && run.trial.status === 'ok' && used.has(run.trial)) {
      merged.add(run.histogram);
      any = true;
    }
  }
  const mergedLatency = any && merged.totalCount > 0 ? { latencyUs: summarize(merged), distribution: distribution(merged) } : null;
  return summarizeCase({ model: entry.cell.model, modelParams: entry.cell.params, workload, connections, trials, merged: mergedLatency, cpus, extraWarnings: entry.problems });
}

