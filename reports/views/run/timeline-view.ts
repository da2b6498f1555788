/**
 * The timelines a workload's section draws: for each case, its trials' slices as throughput, p99 and errors over
 * time, the median trial first (the one whose throughput is the middle of the case's), with its window and its
 * faults. Built and tested in Node; the page only draws it (reports/pages/run/run-timeline.ts).
 */
import { formatRps } from '../../../lib/format.js';
import { decimal, grouped, t } from '../../../lib/lang/lang.js';
import type { CaseResult, OkTrial } from '../../../results/schema.js';
import { slicesOf } from '../../../results/timeline.js';
import { faultName, faultSentence, timeoutsText } from '../../text/faults.js';
import { clientsText } from '../../text/conclusions.js';

export interface TimelineTrialView {
  /** The trial's number in its case (1-based, as the trials table numbers them). */
  readonly number: number;
  readonly label: string;
  readonly sliceMs: number;
  /** The window's edges, seconds from the load's start (null: unknown). */
  readonly windowStart: number | null;
  readonly windowEnd: number | null;
  /** Slice middles (s), throughput (answers per second), p99 (ms; null without answers), errors per second, server CPU (%). */
  readonly t: readonly number[];
  readonly rps: readonly number[];
  readonly p99Ms: readonly (number | null)[];
  readonly errorsPerSecond: readonly number[];
  readonly serverCpuPercent: readonly (number | null)[];
  readonly faults: readonly { readonly at: number; readonly label: string }[];
  /** What each fault did in this trial (the case's sentence speaks of its middle trial, which may be another). */
  readonly faultNotes: readonly string[];
}

export interface TimelineCaseView {
  readonly model: string;
  readonly connections: number;
  readonly label: string;
  readonly trials: readonly TimelineTrialView[];
  /** What the case's faults did, in sentences (empty without faults). */
  readonly faultSentences: readonly string[];
}

/** The trial whose throughput is the middle one of the case's (of an even number, the lower middle). */
export function medianTrialIndex(trials: readonly { readonly rps: number }[]): number {
  const order = trials.map((x, i) => ({ rps: x.rps, i })).sort((a, b) => a.rps - b.rps);
  return order[Math.floor((order.length - 1) / 2)]?.i ?? 0;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function trialView(trial: OkTrial, number: number, median: boolean, say: (text: string) => string): TimelineTrialView | null {
  const tl = trial.timeline;
  if (tl === undefined) return null;
  const slices = slicesOf(tl);
  // Each slice's rate over its own length (the last one is cut short by the load's end), drawn at its middle.
  const lengthMs = (i: number): number => (i === slices.length - 1 ? (tl.lastSliceMs ?? tl.sliceMs) : tl.sliceMs);
  // Marked at the moment it was done, on the load's clock; named short (its time is the line's place).
  const faults = (trial.faults ?? []).flatMap((f) => (f.appliedAtSeconds === null ? [] : [{ at: f.appliedAtSeconds, label: t(`tl.mark.${f.kind}`, { arg: decimal(String(f.arg)) }) }]));
  const faultNotes = (trial.faults ?? []).map((f) => {
    const outcome = f.error !== null ? t('tl.note.failed', { error: say(f.error) }) : f.recoverySeconds !== null ? t('tl.note.back', { seconds: decimal(String(Math.round(f.recoverySeconds * 100) / 100)) }) : f.unseen === true ? t('tl.note.unseen') : t('tl.note.notBack');
    return t('tl.note.fault', { fault: faultName(f), lost: grouped(f.lost), waited: timeoutsText(f.timeouts ?? 0), outcome });
  });
  return {
    number,
    label: t(median ? 'tl.trialMedian' : 'tl.trial', { n: number, rps: formatRps(trial.rps) }),
    sliceMs: tl.sliceMs,
    windowStart: tl.windowStartSeconds,
    windowEnd: tl.windowEndSeconds,
    t: slices.map((s, i) => round(s.t + lengthMs(i) / 2000, 3)),
    rps: slices.map((s, i) => Math.round((s.answers * 1000) / lengthMs(i))),
    // A p99 needs 100 answers: a slice with fewer shows its slowest answer (what its "p99" is anyway).
    p99Ms: slices.map((s) => (s.answers === 0 ? null : round((s.answers >= 100 ? s.p99Us : s.maxUs) / 1000, 3))),
    errorsPerSecond: slices.map((s, i) => Math.round((s.errors * 1000) / lengthMs(i))),
    serverCpuPercent: slices.map((s) => s.serverCpuPercent),
    faults,
    faultNotes,
  };
}

/** The timelines of a workload's cases (closed or open loop), in the order given; cases without any are left out. */
export function timelineCases(cases: readonly CaseResult[], say: (text: string) => string = (text) => text): TimelineCaseView[] {
  return cases.flatMap((c): TimelineCaseView[] => {
    const ok = c.trials.map((trial, i) => ({ trial, number: i + 1 })).filter((x): x is { trial: OkTrial; number: number } => x.trial.status === 'ok' && x.trial.timeline !== undefined);
    if (ok.length === 0) return [];
    const median = medianTrialIndex(ok.map((x) => x.trial));
    const ordered = [ok[median], ...ok.filter((_, i) => i !== median)].filter((x) => x !== undefined);
    const trials = ordered.flatMap((x, i) => trialView(x.trial, x.number, i === 0, say) ?? []);
    const where = c.mode === 'open' && c.targetRate !== undefined ? t('th.offered', { rate: decimal(String(c.targetRate)) }) : clientsText(c.connections);
    return [{ model: c.model, connections: c.connections, label: `${c.model} · ${where}`, trials, faultSentences: c.status === 'ok' ? (c.faults ?? []).map((f) => faultSentence(c, f, say)) : [] }];
  });
}
