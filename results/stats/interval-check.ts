/**
 * Proves the lab's intervals by simulation: many runs of one case whose truth is known, measured the way the bench
 * measures and summarised by the lab's own estimators (stats.ts), each interval checked against the truth. A run
 * here has what the lab's real runs have:
 *
 * - **Speed phases between trials**, from recorded traces of the cores' gauges (real runs on the development
 *   machine, test/fixtures/speed-traces.json): a run starts at a random moment of a trace, and its trials meet the
 *   speed the trace had then, rounds a few seconds apart. A case's pace hangs on that speed by an exponent β (0: it
 *   waits; 1: it computes).
 * - **Marked trials retried**: a trial taken while a core ran below 80 % of its best is marked; its round is played
 *   again after the others, and the estimate leaves marked trials out while two clean ones remain
 *   (case-summary.ts `usedTrials`).
 * - **Latencies correlated within a trial**: each trial has its own level (a state of the machine the gauges do not
 *   see), and its answers follow one another (an AR(1) series: an answer slow behind a slow one).
 *
 * What each figure estimates, and so the truth it is checked against, is the case **over the time its cell ran, at
 * the speeds that were not marked**: throughput, its geometric mean over those moments (the estimator is a
 * geometric mean); a percentile, the percentile of the answers the case would give over those moments (the trials'
 * levels drawn afresh); a ratio of two models measured round by round, the ratio of their throughputs over those
 * moments. How far a later run lands is another question (the machine's spread between runs).
 */
import { seededRandom } from '../../lib/random.js';
import { comparePaired, latencyInterval, quantileRanks, throughputEstimate, type Interval } from './stats.js';

export interface SpeedTrace {
  readonly source: string;
  /** Seconds since the trace's start, and each core's gauge then (its speed as a share of its best). */
  readonly points: readonly { readonly t: number; readonly speeds: readonly (number | null)[] }[];
}

export type CheckedFigure = 'throughput' | 'p50' | 'p99' | 'ratio';

export interface Coverage {
  readonly figure: CheckedFigure;
  /** The share of runs whose interval held the truth. */
  readonly covered: number;
  readonly runs: number;
  /** Percentiles: the share the pooled answers' order-statistic interval alone held (answers taken as independent). */
  readonly answersOnly?: number;
}

export interface CheckOptions {
  readonly runs: number;
  readonly seed: number;
  readonly traces: readonly SpeedTrace[];
}

/** As the bench: 3 trials a case, retries of marked rounds up to 5 trials, a trial marked below 80 % of a core's best. */
const TRIALS = 3;
const MAX_TRIALS = 5;
const MARK_BELOW = 0.8;
/** A trial's window (s), and the time a round of a cell of four models takes (s): trials of one case are that far apart. */
const WINDOW_S = 0.5;
const ROUND_S = 3.2;
/** Times within the cell's span at which the truth is averaged. */
const TRUTH_STEPS = 64;

type Random = () => number;

function normal(random: Random): number {
  // Box–Muller: two uniforms make one standard normal (the other is dropped: clarity over speed).
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const between = (random: Random, low: number, high: number): number => low + (high - low) * random();

/** A trace's speeds at a moment: the slowest core (what marks a trial) and the cores' mean (what paces the case). */
function speedAt(trace: SpeedTrace, t: number): { slowest: number; mean: number } {
  const points = trace.points;
  let i = 0;
  while (i + 1 < points.length && (points[i + 1]?.t ?? Infinity) <= t) i++;
  const speeds = (points[i]?.speeds ?? []).filter((s): s is number => s !== null && s > 0).map((s) => Math.min(1, s));
  if (speeds.length === 0) return { slowest: 1, mean: 1 };
  return { slowest: Math.min(...speeds), mean: speeds.reduce((a, b) => a + b, 0) / speeds.length };
}

interface SimTrial {
  readonly at: number;
  readonly round: number;
  readonly speed: number;
  readonly marked: boolean;
}

/** The trials of one case: three rounds, then a retry of each marked round while trials remain (as bench/run/cell.ts). */
function caseTrials(trace: SpeedTrace, start: number): SimTrial[] {
  const trials: SimTrial[] = [];
  const take = (round: number, at: number): void => {
    const { slowest, mean } = speedAt(trace, at);
    trials.push({ at, round, speed: mean, marked: slowest < MARK_BELOW });
  };
  for (let round = 0; round < TRIALS; round++) take(round, start + round * ROUND_S);
  const marked = trials.filter((t) => t.marked).map((t) => t.round);
  let at = start + TRIALS * ROUND_S;
  for (const round of marked) {
    if (trials.length >= MAX_TRIALS) break;
    take(round, at);
    at += ROUND_S;
  }
  return trials;
}

/** The trials an estimate stands on: the clean ones while two remain, else all (case-summary.ts `usedTrials`). */
function used<T extends { readonly marked: boolean }>(trials: readonly T[]): T[] {
  const clean = trials.filter((t) => !t.marked);
  return clean.length >= 2 || clean.length === trials.length ? clean : [...trials];
}

/** The moments of the cell's span at which the machine ran unmarked (all of them when none did): where the truth lies. */
function cleanSpeeds(trace: SpeedTrace, from: number, to: number): number[] {
  const all = Array.from({ length: TRUTH_STEPS }, (_, k) => speedAt(trace, from + ((to - from) * (k + 0.5)) / TRUTH_STEPS));
  const clean = all.filter((s) => s.slowest >= MARK_BELOW);
  return (clean.length > 0 ? clean : all).map((s) => s.mean);
}

const inside = (value: number, interval: Interval | null): boolean => interval !== null && interval.low <= value && value <= interval.high;

/** The q-quantile of a mixture of normals with equal spread (log-latencies over the cell's moments), by bisection. */
function mixtureQuantile(centres: readonly number[], spread: number, q: number): number {
  const cdf = (x: number): number => centres.reduce((acc, c) => acc + normalCdf((x - c) / spread), 0) / centres.length;
  let low = Math.min(...centres) - 8 * spread;
  let high = Math.max(...centres) + 8 * spread;
  for (let i = 0; i < 80; i++) {
    const mid = (low + high) / 2;
    if (cdf(mid) < q) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

function normalCdf(z: number): number {
  // Abramowitz and Stegun 7.1.26 for erf (error below 1.5e-7).
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** The value at a 1-based rank of sorted values (clamped). */
const atRank = (sorted: readonly number[], rank: number): number => sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;

/** One simulated run of one case: whether each figure's interval held its truth. */
function oneRun(random: Random, traces: readonly SpeedTrace[]): Record<CheckedFigure, boolean> & { p50AnswersOnly: boolean; p99AnswersOnly: boolean } {
  const trace = traces[Math.floor(random() * traces.length)] ?? traces[0];
  if (trace === undefined) throw new RangeError('no speed trace to draw from');
  const span = trace.points[trace.points.length - 1]?.t ?? 0;
  const start = between(random, 0, Math.max(0, span - (MAX_TRIALS + 1) * ROUND_S));
  const trials = caseTrials(trace, start);
  const last = Math.max(...trials.map((t) => t.at)) + WINDOW_S;
  const speeds = cleanSpeeds(trace, start, last);
  const chosen = used(trials);

  // Throughput: μ·speed^β per trial, times its own noise, counted in whole answers over the window.
  const beta = random();
  const mu = Math.exp(between(random, Math.log(200), Math.log(20_000)));
  const noise = between(random, 0.02, 0.25);
  const rpsOf = (trial: SimTrial, m: number, b: number): { rps: number; requests: number } => {
    const requests = Math.max(1, Math.round(m * trial.speed ** b * Math.exp(noise * normal(random)) * WINDOW_S));
    return { rps: requests / WINDOW_S, requests };
  };
  const measured = chosen.map((t) => rpsOf(t, mu, beta));
  const truthRps = mu * Math.exp(speeds.reduce((acc, s) => acc + beta * Math.log(s), 0) / speeds.length);
  const throughput = inside(truthRps, throughputEstimate(measured).interval);

  // Ratio: a second model of the cell, measured in the same rounds (a moment later, at the same speed here).
  const betaB = random();
  const muB = mu * Math.exp(between(random, -1, 1));
  const pairs = chosen.map((t) => [rpsOf(t, mu, beta).rps, rpsOf(t, muB, betaB).rps] as const);
  const truthRatio = (mu / muB) * Math.exp(speeds.reduce((acc, s) => acc + (beta - betaB) * Math.log(s), 0) / speeds.length);
  const ratio = inside(truthRatio, comparePaired(pairs)?.interval ?? null);

  // Latency: log-latency = base − β·log speed + the trial's level + an AR(1) series of the answers.
  const base = Math.log(between(random, 100, 20_000));
  const level = between(random, 0.02, 0.2);
  const within = between(random, 0.2, 0.8);
  const phi = between(random, 0.3, 0.95);
  const answers = Math.round(between(random, 1000, 4000));
  const trialAnswers = chosen.map((t) => {
    const centre = base - beta * Math.log(t.speed) + level * normal(random);
    const values: number[] = [];
    let x = within * normal(random);
    for (let j = 0; j < answers; j++) {
      values.push(Math.exp(centre + x));
      x = phi * x + within * Math.sqrt(1 - phi * phi) * normal(random);
    }
    return values.sort((a, b) => a - b);
  });
  const pooled = trialAnswers.flat().sort((a, b) => a - b);
  const spread = Math.hypot(level, within);
  const percentileCovered = (q: number): { covered: boolean; answersOnly: boolean } => {
    const truth = Math.exp(mixtureQuantile(speeds.map((s) => base - beta * Math.log(s)), spread, q));
    const n = pooled.length;
    const value = atRank(pooled, Math.ceil(n * q));
    const ranks = quantileRanks(n, q);
    const orderStatistic = { low: atRank(pooled, ranks.low), high: atRank(pooled, ranks.high) };
    const perTrial = trialAnswers.map((values) => atRank(values, Math.ceil(values.length * q)));
    const observed = { min: pooled[0] ?? 0, max: pooled[pooled.length - 1] ?? 0 };
    return { covered: inside(truth, latencyInterval(value, orderStatistic, perTrial, observed)), answersOnly: inside(truth, orderStatistic) };
  };
  const p50 = percentileCovered(0.5);
  const p99 = percentileCovered(0.99);
  return { throughput, ratio, p50: p50.covered, p99: p99.covered, p50AnswersOnly: p50.answersOnly, p99AnswersOnly: p99.answersOnly };
}

/** The share of simulated runs whose interval held the truth, for each figure. */
export function checkIntervals(options: CheckOptions): Coverage[] {
  const random = seededRandom(options.seed);
  const hits: Record<CheckedFigure, number> = { throughput: 0, p50: 0, p99: 0, ratio: 0 };
  const answersOnly = { p50: 0, p99: 0 };
  for (let r = 0; r < options.runs; r++) {
    const run = oneRun(random, options.traces);
    for (const figure of Object.keys(hits) as CheckedFigure[]) if (run[figure]) hits[figure] += 1;
    if (run.p50AnswersOnly) answersOnly.p50 += 1;
    if (run.p99AnswersOnly) answersOnly.p99 += 1;
  }
  const share = (n: number): number => Math.round((n / options.runs) * 1000) / 1000;
  return (Object.keys(hits) as CheckedFigure[]).map((figure) => ({
    figure,
    covered: share(hits[figure]),
    runs: options.runs,
    ...(figure === 'p50' || figure === 'p99' ? { answersOnly: share(answersOnly[figure]) } : {}),
  }));
}
