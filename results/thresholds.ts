/**
 * Thresholds for CI (`--expect`): '<workload>.<model>.<clients>.<figure> <op> <value>[unit]', judged on each matching
 * case's 95 % interval, never on its point value alone: *met* where the whole interval meets it, *breached* where the
 * whole interval breaches it, *unsure* otherwise (k6 judges a threshold on one number; a noisy machine makes that a coin).
 *
 *   io.event-loop.16.rps > 1000        hello.*.64.p99 < 5ms        io.*.*.errors <= 0        *.cluster.16.recovery < 2s
 *
 * Figures: rps (req/s), p50 and p99 (latency: units us, µs, ms or s; µs without one), errors (a count), recovery
 * (seconds from a fault to recovery: units s or ms). `*` for any workload, model or number of clients.
 */
import type { CaseResult, OkCase } from './schema.js';
import { supportsPercentile, type Interval } from './stats/stats.js';
import { t } from '../lib/lang/lang.js';

export const THRESHOLD_FIGURES = ['rps', 'p50', 'p99', 'errors', 'recovery'] as const;
export type ThresholdFigure = (typeof THRESHOLD_FIGURES)[number];
export type ThresholdOp = '<' | '<=' | '>' | '>=';

export interface Threshold {
  /** As written (trimmed): the name a summary and a JUnit test case give it. */
  readonly text: string;
  readonly workload: string;
  readonly model: string;
  /** A number of clients, or '*'. */
  readonly clients: number | '*';
  readonly figure: ThresholdFigure;
  readonly op: ThresholdOp;
  /** In the figure's own unit: req/s, µs, a count, seconds. */
  readonly value: number;
}

export type Verdict = 'met' | 'breached' | 'unsure';

export interface CaseJudgement {
  readonly model: string;
  readonly workload: string;
  readonly connections: number;
  readonly verdict: Verdict;
  /** The figure and its interval, in the figure's unit; null where the case does not measure it. */
  readonly value: number | null;
  readonly interval: Interval | null;
  /** Why it is unsure when the figure itself is missing: 'failed', 'max-of-n', 'no-fault'. */
  readonly why?: 'failed' | 'max-of-n' | 'no-fault' | 'unseen';
}

export interface ThresholdResult {
  readonly threshold: Threshold;
  /** breached if any case breached it; else unsure if any was unsure; else met. */
  readonly verdict: Verdict;
  readonly cases: readonly CaseJudgement[];
}

/** What is wrong with one expression: a message naming the part, for a one-line error. */
export class ThresholdError extends Error {}

const PATTERN = /^\s*([^.\s]+)\.([^.\s]+)\.([^.\s]+)\.([a-z0-9]+)\s*(<=|>=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)\s*([a-zµ]*)\s*$/i;
const LATENCY_UNITS: Readonly<Record<string, number>> = { '': 1, us: 1, µs: 1, ms: 1000, s: 1_000_000 };
const SECOND_UNITS: Readonly<Record<string, number>> = { s: 1, ms: 0.001 };

/** Parses one expression; `known` names the run's workloads and models, so that a typo is refused before anything starts. */
export function parseThreshold(raw: string, known: { readonly workloads: readonly string[]; readonly models: readonly string[]; readonly connections: readonly number[] }): Threshold {
  const text = raw.trim();
  const m = PATTERN.exec(text);
  if (m === null) throw new ThresholdError(t('thr.err.shape', { text: JSON.stringify(text.slice(0, 120)) }));
  const [, workload = '', model = '', clientsText = '', figureText = '', op = '<', valueText = '', unit = ''] = m;
  if (workload !== '*' && !known.workloads.includes(workload)) throw new ThresholdError(t('thr.err.workload', { text: JSON.stringify(text), got: JSON.stringify(workload), known: known.workloads.join(', ') }));
  if (model !== '*' && !known.models.includes(model)) throw new ThresholdError(t('thr.err.model', { text: JSON.stringify(text), got: JSON.stringify(model), known: known.models.join(', ') }));
  let clients: number | '*' = '*';
  if (clientsText !== '*') {
    if (!/^[0-9]+$/.test(clientsText) || !known.connections.includes(Number(clientsText))) throw new ThresholdError(t('thr.err.clients', { text: JSON.stringify(text), got: JSON.stringify(clientsText), known: [...new Set(known.connections)].join(', ') }));
    clients = Number(clientsText);
  }
  const figure = THRESHOLD_FIGURES.find((f) => f === figureText.toLowerCase());
  if (figure === undefined) throw new ThresholdError(t('thr.err.figure', { text: JSON.stringify(text), got: JSON.stringify(figureText), known: THRESHOLD_FIGURES.join(', ') }));
  const number = Number(valueText);
  if (!Number.isFinite(number) || number < 0) throw new ThresholdError(t('thr.err.value', { text: JSON.stringify(text) }));
  const lower = unit.toLowerCase();
  let value = number;
  if (figure === 'p50' || figure === 'p99') {
    const factor = LATENCY_UNITS[lower];
    if (factor === undefined) throw new ThresholdError(t('thr.err.latencyUnit', { text: JSON.stringify(text), got: JSON.stringify(unit) }));
    value = number * factor;
  } else if (figure === 'recovery') {
    const factor = SECOND_UNITS[lower === '' ? 's' : lower];
    if (factor === undefined) throw new ThresholdError(t('thr.err.recoveryUnit', { text: JSON.stringify(text), got: JSON.stringify(unit) }));
    value = number * factor;
  } else if (lower !== '') {
    throw new ThresholdError(t(figure === 'rps' ? 'thr.err.rpsUnit' : 'thr.err.countUnit', { text: JSON.stringify(text), figure, got: JSON.stringify(unit) }));
  }
  return { text, workload, model, clients, figure, op: op as ThresholdOp, value };
}

/** Whether a case is one a threshold speaks of. */
function matches(t: Threshold, c: CaseResult): boolean {
  const connections = c.mode === 'open' ? null : c.connections;
  return (t.workload === '*' || c.workload === t.workload) && (t.model === '*' || c.model === t.model) && (t.clients === '*' || connections === t.clients);
}

/** Where the whole interval lies against the bound: met, breached, or across it. */
export function judgeInterval(interval: Interval, op: ThresholdOp, value: number): Verdict {
  const { low, high } = interval;
  switch (op) {
    case '<':
      return high < value ? 'met' : low >= value ? 'breached' : 'unsure';
    case '<=':
      return high <= value ? 'met' : low > value ? 'breached' : 'unsure';
    case '>':
      return low > value ? 'met' : high <= value ? 'breached' : 'unsure';
    case '>=':
      return low >= value ? 'met' : high < value ? 'breached' : 'unsure';
  }
}

/** The figure of a case with its interval (a count is exact; a figure without an interval is its own). */
function figureOf(c: OkCase, figure: ThresholdFigure): { value: number; interval: Interval } | { why: NonNullable<CaseJudgement['why']> } {
  const exact = (v: number): { value: number; interval: Interval } => ({ value: v, interval: { low: v, high: v } });
  switch (figure) {
    case 'rps':
      return { value: c.rps, interval: c.rpsInterval ?? { low: c.rps, high: c.rps } };
    case 'errors':
      return exact(c.errors + c.timeouts);
    case 'p50':
      return { value: c.latencyUs.p50, interval: c.p50Interval ?? { low: c.latencyUs.p50, high: c.latencyUs.p50 } };
    case 'p99':
      // A p99 of fewer than 1,000 answers is the largest few of them, not a p99: it cannot meet nor breach a bound.
      if (c.latencySample !== undefined && !supportsPercentile(c.latencySample, 99)) return { why: 'max-of-n' };
      return { value: c.latencyUs.p99, interval: c.p99Interval ?? { low: c.latencyUs.p99, high: c.latencyUs.p99 } };
    case 'recovery': {
      // No interval: the case's recovery is its middle trial's (of each fault, the slowest; +∞ where it did not
      // recover), judged as it is: a case whose trials mostly did not recover breaches a bound, however one went.
      const faults = (c.faults ?? []).filter((f) => f.trials > 0);
      if (faults.length === 0) return { why: 'no-fault' };
      // A recovery the window ended too soon to show is not judged.
      if (faults.some((f) => (f.unseen ?? 0) >= f.trials)) return { why: 'unseen' };
      const value = Math.max(...faults.map((f) => f.recoverySeconds ?? Number.POSITIVE_INFINITY));
      return { value, interval: { low: value, high: value } };
    }
  }
}

export function judgeThresholds(thresholds: readonly Threshold[], cases: readonly CaseResult[]): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const judged = cases.filter((c) => matches(threshold, c)).map((c): CaseJudgement => {
      const where = { model: c.model, workload: c.workload, connections: c.connections };
      if (c.status !== 'ok') return { ...where, verdict: threshold.figure === 'errors' ? 'breached' : 'unsure', value: null, interval: null, why: 'failed' };
      const f = figureOf(c, threshold.figure);
      if ('why' in f) return { ...where, verdict: 'unsure', value: null, interval: null, why: f.why };
      return { ...where, verdict: judgeInterval(f.interval, threshold.op, threshold.value), value: f.value, interval: f.interval };
    });
    const verdict: Verdict = judged.length === 0 ? 'unsure' : judged.some((j) => j.verdict === 'breached') ? 'breached' : judged.some((j) => j.verdict === 'unsure') ? 'unsure' : 'met';
    return { threshold, verdict, cases: judged };
  });
}

/** The bench's exit status for these results: 3 if any threshold is breached (or unsure, when strict), else 0. */
export function thresholdStatus(results: readonly ThresholdResult[], strict: boolean): 0 | 3 {
  return results.some((r) => r.verdict === 'breached' || (strict && r.verdict === 'unsure')) ? 3 : 0;
}
