/** Every trial of a workload, in the order it ran: marked ones with their reasons, retries tied to what they re-measured. */
import { formatRps, formatUs } from '../../../lib/format.js';
import type { OkTrial, Results, Trial } from '../../../results/schema.js';
import { cell } from '../../../results/stats/aggregate.js';
import { littlesLaw, usedTrials } from '../../../results/stats/case-summary.js';
import { counted, latencyText, wholePercent } from '../figures.js';
import { decimal, t } from '../../../lib/lang/lang.js';
import { speaker } from '../../../lib/lang/sentences.js';
import type { FirstTrials } from '../../../results/stats/first-trials.js';

const dash = '—';
const percent = wholePercent;
/** A sentence a results file holds (a marked reason, a trial's error), in the page's language. */
type Say = (text: string) => string;
const asIs: Say = (text) => text;

export interface TrialRowView {
  readonly model: string;
  readonly connections: number;
  /** 1-based position in the case's trials: the number the retry column refers to. */
  readonly number: number;
  readonly round: number;
  readonly order: number;
  readonly status: 'ok' | 'failed';
  /** Counted in the case's estimate and interval. */
  readonly used: boolean;
  readonly rps: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly backgroundCpuPercent: number | null;
  readonly marked: readonly string[];
  readonly retryOf: number | null;
  readonly retriedBy: number | null;
  readonly text: Readonly<Record<'rps' | 'p50' | 'p99' | 'ramp' | 'background' | 'marked' | 'retry' | 'used' | 'agents', string>>;
}

/** How long until every client had an answer: "4.12 s", or "≥ 5.00 s (12 unanswered)" when the window opened without them. */
function rampText(trial: OkTrial | undefined): string {
  if (trial?.rampSeconds === undefined) return dash;
  const unanswered = trial.unansweredAtWindow ?? 0;
  // Whole milliseconds at best (the file keeps the ramp to the ms): "17 ms", not "17.0 ms".
  const time = formatUs(trial.rampSeconds * 1_000_000, { trimZeros: true });
  return unanswered > 0 ? t('rv.trial.unanswered', { time, n: unanswered }) : time;
}

/**
 * Each trial of a case as a row: marked ones with their reasons, retries tied to what they re-measured. `say`: what
 * the results file knows of its sentences (speaker(results.sentences)), so that the reasons read in the page's language.
 */
export function trialRows(model: string, connections: number, trials: readonly Trial[], say: Say = asIs): TrialRowView[] {
  const used = new Set(usedTrials(trials).used);
  return trials.map((trial, i): TrialRowView => {
    const retriedBy = trials.findIndex((x) => x.retryOf === i);
    const retryOf = trial.retryOf ?? null;
    const ok = trial.status === 'ok' ? trial : undefined;
    const lower = ok !== undefined && littlesLaw(connections, ok.rps, ok.latencyUs.mean, ok.censored).lowerBound;
    const retry = [retryOf === null ? '' : t('rv.trial.retryOf', { n: retryOf + 1 }), retriedBy < 0 ? '' : t('rv.trial.retriedAs', { n: retriedBy + 1 })].filter((x) => x !== '').join(t('rv.semicolon'));
    return {
      model,
      connections,
      number: i + 1,
      round: trial.round,
      order: trial.order,
      status: trial.status,
      used: ok !== undefined && used.has(ok),
      rps: ok?.rps ?? null,
      p50: ok?.latencyUs.p50 ?? null,
      p99: ok?.latencyUs.p99 ?? null,
      backgroundCpuPercent: ok?.backgroundCpuPercent ?? null,
      marked: trial.marked.map(say),
      retryOf: retryOf === null ? null : retryOf + 1,
      retriedBy: retriedBy < 0 ? null : retriedBy + 1,
      text: {
        rps: ok === undefined ? t('rv.failed') : formatRps(ok.rps),
        p50: ok === undefined ? dash : latencyText(ok.latencyUs.p50, null, lower),
        p99: ok === undefined ? dash : latencyText(ok.latencyUs.p99, null, lower),
        ramp: rampText(ok),
        background: ok === undefined ? dash : percent(ok.backgroundCpuPercent),
        marked: [...trial.marked.map(say), ...(trial.status === 'failed' ? [t('rv.failedWhy', { error: say(trial.error) })] : [])].join(t('rv.semicolon')),
        retry: retry === '' ? dash : retry,
        used: ok !== undefined && used.has(ok) ? t('rv.yes') : t('rv.no'),
        agents: ok?.agents === undefined ? dash : ok.agents.map((a) => t('rv.trial.agent', { name: a.name, share: decimal(String(a.share)), cpu: a.clientCpuPercent })).join(t('rv.semicolon')),
      },
    };
  });
}

/** Every trial of a workload in the order the cells ran them: clients, then round, then the order in the round. */
export function workloadTrials(results: Results, workload: string, models: readonly string[], connections: readonly number[]): TrialRowView[] {
  const say = speaker(results.sentences);
  const rows = connections.flatMap((n) => models.flatMap((model) => trialRows(model, n, cell(results.cases, model, workload, n).trials, say)));
  const position = (r: TrialRowView): [number, number, number] => [connections.indexOf(r.connections), r.round, r.order];
  return rows.sort((x, y) => {
    const [a, b] = [position(x), position(y)];
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  });
}

export function trialsSummary(workload: string, rows: readonly TrialRowView[], first?: FirstTrials): string {
  const marked = rows.filter((r) => r.marked.length > 0);
  const retried = marked.filter((r) => r.retriedBy !== null).length;
  const failed = rows.filter((r) => r.status === 'failed').length;
  const markedNote =
    marked.length === 0
      ? t('rv.trials.noneMarked')
      : retried === marked.length
        ? counted(marked.length, 'rv.trials.markedRetried.one', 'rv.trials.markedRetried.many')
        : retried === 0
          ? counted(marked.length, 'rv.trials.markedNoneRetried.one', 'rv.trials.markedNoneRetried.many')
          : counted(marked.length, 'rv.trials.markedSomeRetried.one', 'rv.trials.markedSomeRetried.many', { retried });
  const notes = [markedNote, failed > 0 ? t('rv.cell.failed', { n: failed }) : '', first === undefined ? '' : firstTrialsText(first)].filter((n) => n !== '');
  return counted(rows.length, 'rv.trials.summary.one', 'rv.trials.summary.many', { workload, notes: notes.join(', ') });
}

/** "first trials warm in 14 of 15 cases (cold: `static` `event-loop` × 1 at 0.63×)": did the warm-up do its work. */
export function firstTrialsText(first: FirstTrials): string {
  if (first.cases === 0) return '';
  if (first.cold.length === 0) return t('rv.trials.firstWarm', { warm: first.warm, cases: first.cases });
  const cold = first.cold.map((c) => t('rv.trials.coldCase', { model: c.model, clients: c.connections, ratio: decimal(c.ratio.toFixed(2)) })).join(', ');
  return t('rv.trials.firstCold', { warm: first.warm, cases: first.cases, cold });
}
