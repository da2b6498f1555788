/** A case as the pages show it: its figures, and the same as text, formatted once, here. */
import { formatBytes, formatRps, formatSpread } from '../../lib/format.js';
import type { Trial } from '../../results/schema.js';
import type { Cell } from '../../results/stats/aggregate.js';
import { errorText } from '../text/causes.js';
import { fittedPrediction } from '../../results/theory/predict.js';
import { lostUpdatesText } from '../text/lost-updates.js';
import { latencyRangeText, latencyText, maxOfText, rpsRangeText, rpsText, wholePercent, counted } from './figures.js';
import { t } from '../../lib/lang/lang.js';

const dash = '—';
const text = (value: number | null, f: (n: number) => string): string => (value === null ? dash : f(value));
const percent = wholePercent;

type CellText = Readonly<Record<'rps' | 'p50' | 'p99' | 'p999' | 'cpu' | 'rss' | 'client' | 'trials' | 'theory' | 'theoryError' | 'lostUpdates', string>>;

/** A cell's figures and the same as text, formatted once, here; its trials are listed in the workload's trials table. */
export interface CellView extends Omit<Cell, 'trials'> {
  readonly text: CellText;
  /** "95%: 11,900–12,800 req/s" for tooltips; "" without an interval. */
  readonly range: Readonly<Record<'rps' | 'p50' | 'p99', string>>;
}

/** "3", "4 (1 marked)", "3 (1 failed)": the trials a case ran. */
export function trialsText(trials: readonly Trial[]): string {
  const marked = trials.filter((t) => t.marked.length > 0).length;
  const failed = trials.filter((t) => t.status === 'failed').length;
  const notes = [marked > 0 ? counted(marked, 'rv.cell.marked.one', 'rv.cell.marked.many') : '', failed > 0 ? t('rv.cell.failed', { n: failed }) : ''].filter((n) => n !== '');
  return `${trials.length}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}

/** The case's p-th percentile as `maxOfText` reads it. */
const unsupported = (c: Cell, percentile: number): string | null => maxOfText({ value: c.p99, interval: c.p99Interval, lowerBound: c.latencyLowerBound, sample: c.latencySample, max: c.max }, percentile);

/** "between 3 earlier runs on this machine: ±12 %": how far runs of this plan landed apart here; "" without. */
export function historyText(c: Pick<Cell, 'history'>): string {
  const h = c.history;
  if (h === null) return '';
  return t(h.basis === 'best-speed' ? 'rv.history.best' : 'rv.history.raw', { n: h.runs, spread: formatSpread(h.spread) });
}

export function cellView(c: Cell): CellView {
  const { trials, ...rest } = c;
  const lower = c.latencyLowerBound;
  const theory = c.predicted;
  const p99Max = unsupported(c, 99);
  const p999Max = unsupported(c, 99.9);
  return {
    ...rest,
    // A percentile its sample cannot hold is not drawn as that percentile.
    p99: p99Max === null ? c.p99 : null,
    p999: p999Max === null ? c.p999 : null,
    text: {
      rps: rpsText(c.rps, c.rpsInterval),
      p50: latencyText(c.p50, c.p50Interval, lower),
      p99: p99Max ?? latencyText(c.p99, c.p99Interval, lower),
      p999: p999Max ?? latencyText(c.p999, c.p999Interval, lower),
      cpu: text(c.serverCpuPercent, percent),
      rss: text(c.serverRssPeakBytes, formatBytes),
      client: text(c.clientCpuPercent, percent),
      trials: trials.length === 0 ? dash : trialsText(trials),
      theory: theory === null ? dash : formatRps(theory.rps),
      // The 1-client case is where the demands come from, and a loaded level or two refine them: in-sample, not checked.
      theoryError: theory === null || c.rps === null || !(theory.rps > 0) ? dash : c.connections === 1 ? t('rv.cell.source') : fittedPrediction(c) ? t('rv.cell.fitted') : errorText(c.rps / theory.rps - 1),
      lostUpdates: lostUpdatesText(c.lostUpdates, c.requests),
    },
    range: { rps: [rpsRangeText(c.rpsInterval), historyText(c)].filter((x) => x !== '').join(t('rv.semicolon')), p50: lower ? '' : latencyRangeText(c.p50Interval), p99: lower || p99Max !== null ? '' : latencyRangeText(c.p99Interval) },
  };
}

