import { usedTrials } from '../../results/stats/case-summary.js';
import { formatDuration, formatRps, formatUs } from '../../lib/format.js';
import type { CaseResult } from '../../results/schema.js';
import { relativeHalfWidth } from '../../results/stats/stats.js';
import type { TrialInfo } from './run.js';
import type { TrialRun } from './trial.js';
import { currentLang, t } from '../../lib/lang/lang.js';
import { spoken } from '../../lib/errors.js';

const BAR = 20;

export function progressBar(done: number, total: number): string {
  const filled = total === 0 ? BAR : Math.round((Math.min(done, total) / total) * BAR);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}]`;
}

/** "io × 16" or "io at 100/s" in the current language (the results name cells in English: plan-cells.ts cellName). */
export function cellLabel(cell: { readonly workload: string; readonly connections: number; readonly rate?: number | undefined }): string {
  return cell.rate === undefined ? t('prog.cell', { workload: cell.workload, n: String(cell.connections) }) : t('prog.cellRate', { workload: cell.workload, rate: String(cell.rate) });
}

export function trialLabel(info: Pick<TrialInfo, 'workload' | 'connections' | 'rate' | 'model' | 'round' | 'retry'>): string {
  const load = info.rate === undefined ? (info.connections === 1 ? t('prog.clients.one') : t('prog.clients.many', { n: String(info.connections) })) : t('prog.atRate', { rate: String(info.rate) });
  return `${info.workload} ${load} · ${info.model} · ${info.retry ? t('prog.retry') : t('prog.trial', { n: String(info.round) })}`;
}

export function trialLine(run: TrialRun): string {
  const trial = run.trial;
  // The reasons are kept in English (sentences): said here in the terminal's language.
  if (trial.status === 'failed') return t('prog.failed', { error: spoken(trial.error) });
  const marked = trial.marked.length > 0 ? t('prog.marked', { reasons: trial.marked.map(spoken).join(t('prog.sep')) }) : '';
  return `${t('prog.trialLine', { rps: formatRps(trial.rps), p50: formatUs(trial.latencyUs.p50), p99: formatUs(trial.latencyUs.p99) })}${marked}`;
}

/** One line per finished cell: each model's throughput and the spread of its trials. */
export function cellLine(cases: readonly CaseResult[]): string {
  const first = cases[0];
  if (first === undefined) return '';
  const parts = cases.map((c) => {
    if (c.status === 'failed') return t('prog.caseFailed', { model: c.model });
    const spread = c.rpsInterval === null ? '' : ` ±${Math.round(relativeHalfWidth(c.rps, c.rpsInterval) * 100)}${currentLang() === 'fr' ? '\u00a0%' : '%'}`;
    // The trials the figure stands on, and those that failed (a figure on 1 trial of 3 must say so).
    const failed = c.trials.filter((x) => x.status === 'failed').length;
    const used = usedTrials(c.trials).used.length;
    return `${c.model} ${formatRps(c.rps)}${spread} (${failed === 0 ? String(used) : t('prog.usedFailed', { used, failed })})`;
  });
  return t('prog.cellLine', { cell: cellLabel({ workload: first.workload, connections: first.connections, rate: first.targetRate }), parts: parts.join(' · ') });
}

/**
 * One live line on a terminal, redrawn a few times a second (cell, bar, trial, time left); one line per finished
 * cell otherwise (CI logs). Failed and marked trials always get a line of their own.
 */
export function createProgress(stream: NodeJS.WriteStream): {
  phase(text: string): void;
  trialStart(info: TrialInfo): void;
  trialEnd(info: TrialInfo, run: TrialRun): void;
  cellEnd(cell: number, cells: number, cases: readonly CaseResult[]): void;
  clear(): void;
} {
  const live = stream.isTTY;
  const width = (): number => (stream.columns > 20 ? stream.columns : 100) - 1;
  const counter = (index: number, total: number): string => `[${String(index + 1).padStart(String(total).length)}/${total}]`;
  let timer: NodeJS.Timeout | undefined;
  const stopTimer = (): void => {
    clearInterval(timer);
    timer = undefined;
  };
  const draw = (text: string): void => {
    if (live) stream.write(`\r\x1b[2K${text.slice(0, width())}`);
  };
  return {
    phase(text) {
      stopTimer();
      draw(`bench: ${text}…`);
    },
    trialStart(info) {
      if (!live) return;
      stopTimer();
      const t0 = performance.now();
      const redraw = (): void => {
        const elapsed = (performance.now() - t0) / 1000;
        draw(`${counter(info.cell, info.cells)} ${progressBar(info.cell, info.cells)} ${trialLabel(info)} — ${t('prog.left', { time: formatDuration(Math.max(0, info.secondsLeft - elapsed)) })}`);
      };
      redraw();
      timer = setInterval(redraw, 250);
      timer.unref();
    },
    trialEnd(info, run) {
      stopTimer();
      if (run.trial.status === 'failed' || run.trial.marked.length > 0) {
        if (live) stream.write('\r\x1b[2K');
        stream.write(`${counter(info.cell, info.cells)} ${t('prog.trialEnd', { trial: trialLabel(info), line: trialLine(run) })}\n`);
      }
    },
    cellEnd(cell, cells, cases) {
      stopTimer();
      if (live) stream.write('\r\x1b[2K');
      if (!live) stream.write(`${counter(cell, cells)} ${cellLine(cases)}\n`);
    },
    clear() {
      stopTimer();
      if (live) stream.write('\r\x1b[2K');
    },
  };
}
