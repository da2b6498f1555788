/** Every trial of a workload, in the order it ran: marked ones with their reasons, retries tied to what they re-measured. */
import { formatRps, formatUs } from '../../../lib/format.js';
import type { OkTrial, Results, Trial } from '../../../results/schema.js';
import { cell } from '../../../results/stats/aggregate.js';
import { littlesLaw, usedTrials } from '../../../results/stats/case-summary.js';
import { latencyText } from '../figures.js';

const dash = '—';
const percent = (n: number): string => `${n.toFixed(0)}%`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

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
  readonly text: Readonly<Record<'rps' | 'p50' | 'p99' | 'ramp' | 'background' | 'marked' | 'retry' | 'used', string>>;
}

/** How long until every client had an answer: "4.12 s", or "≥ 5.00 s (12 unanswered)" when the window opened without them. */
function rampText(trial: OkTrial | undefined): string {
  if (trial?.rampSeconds === undefined) return dash;
  const unanswered = trial.unansweredAtWindow ?? 0;
  // Whole milliseconds at best (the file keeps the ramp to the ms): "17 ms", not "17.0 ms".
  const time = formatUs(trial.rampSeconds * 1_000_000, { trimZeros: true });
  return unanswered > 0 ? `≥ ${time} (${unanswered} unanswered)` : time;
}

/** Each trial of a case as a row: marked ones with their reasons, retries tied to what they re-measured. */
export function trialRows(model: string, connections: number, trials: readonly Trial[]): TrialRowView[] {
  const used = new Set(usedTrials(trials).used);
  return trials.map((t, i): TrialRowView => {
    const retriedBy = trials.findIndex((x) => x.retryOf === i);
    const retryOf = t.retryOf ?? null;
    const ok = t.status === 'ok' ? t : undefined;
    const lower = ok !== undefined && littlesLaw(connections, ok.rps, ok.latencyUs.mean, ok.censored).lowerBound;
    const retry = [retryOf === null ? '' : `retry of #${retryOf + 1}`, retriedBy < 0 ? '' : `retried as #${retriedBy + 1}`].filter((x) => x !== '').join('; ');
    return {
      model,
      connections,
      number: i + 1,
      round: t.round,
      order: t.order,
      status: t.status,
      used: ok !== undefined && used.has(ok),
      rps: ok?.rps ?? null,
      p50: ok?.latencyUs.p50 ?? null,
      p99: ok?.latencyUs.p99 ?? null,
      backgroundCpuPercent: ok?.backgroundCpuPercent ?? null,
      marked: t.marked,
      retryOf: retryOf === null ? null : retryOf + 1,
      retriedBy: retriedBy < 0 ? null : retriedBy + 1,
      text: {
        rps: ok === undefined ? 'failed' : formatRps(ok.rps),
        p50: ok === undefined ? dash : latencyText(ok.latencyUs.p50, null, lower),
        p99: ok === undefined ? dash : latencyText(ok.latencyUs.p99, null, lower),
        ramp: rampText(ok),
        background: ok === undefined ? dash : percent(ok.backgroundCpuPercent),
        marked: [...t.marked, ...(t.status === 'failed' ? [`failed: ${t.error}`] : [])].join('; '),
        retry: retry === '' ? dash : retry,
        used: ok !== undefined && used.has(ok) ? 'yes' : 'no',
      },
    };
  });
}

/** Every trial of a workload in the order the cells ran them: clients, then round, then the order in the round. */
export function workloadTrials(results: Results, workload: string, models: readonly string[], connections: readonly number[]): TrialRowView[] {
  const rows = connections.flatMap((n) => models.flatMap((model) => trialRows(model, n, cell(results.cases, model, workload, n).trials)));
  const position = (r: TrialRowView): [number, number, number] => [connections.indexOf(r.connections), r.round, r.order];
  return rows.sort((x, y) => {
    const [a, b] = [position(x), position(y)];
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  });
}

export function trialsSummary(workload: string, rows: readonly TrialRowView[]): string {
  const marked = rows.filter((r) => r.marked.length > 0);
  const retried = marked.filter((r) => r.retriedBy !== null).length;
  const failed = rows.filter((r) => r.status === 'failed').length;
  const markedNote = marked.length === 0 ? 'none marked' : retried === marked.length ? `${marked.length} marked and retried` : `${marked.length} marked, ${retried === 0 ? 'none' : retried} retried (the time budget decides)`;
  const notes = [markedNote, failed > 0 ? `${failed} failed` : ''].filter((n) => n !== '');
  return `All ${plural(rows.length, 'trial')} of \`${workload}\`, in the order they ran: ${notes.join(', ')}`;
}

