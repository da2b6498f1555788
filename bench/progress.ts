import type { CaseSpec } from './case-runner.js';
import { formatDuration, formatRps, formatUs } from '../results/format.js';
import type { CaseResult } from '../results/schema.js';

const BAR = 20;

export function progressBar(done: number, total: number): string {
  const filled = total === 0 ? BAR : Math.round((done / total) * BAR);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}]`;
}

export function caseLabel(spec: { model: string; workload: string; connections: number; repeat: number }, repeats: number): string {
  return `${spec.workload} · ${spec.model} · ${spec.connections} client${spec.connections === 1 ? '' : 's'}${repeats > 1 ? ` · repeat ${spec.repeat}` : ''}`;
}

export function resultLine(result: CaseResult): string {
  if (result.status === 'failed') return `FAILED: ${result.error}`;
  return `${formatRps(result.rps)} req/s, p50 ${formatUs(result.latencyUs.p50)}, p99 ${formatUs(result.latencyUs.p99)}`;
}

/**
 * One live line on a terminal, redrawn a few times a second (case, bar, time left); one line per finished
 * case otherwise (CI logs).
 */
export function createProgress(stream: NodeJS.WriteStream, repeats: number): {
  start(index: number, total: number, spec: CaseSpec, secondsLeft: number): void;
  end(index: number, total: number, result: CaseResult, secondsLeft: number): void;
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
  return {
    start(index, total, spec, secondsLeft) {
      if (!live) return;
      stopTimer();
      const t0 = performance.now();
      // This case's share of the time left: the run's estimate spread evenly over the cases to go.
      const caseSeconds = secondsLeft / Math.max(1, total - index);
      const draw = (): void => {
        const elapsed = (performance.now() - t0) / 1000;
        const done = index + Math.min(0.99, elapsed / caseSeconds);
        const label = caseLabel({ ...spec, workload: spec.workload.name }, repeats);
        const text = `${counter(index, total)} ${progressBar(done, total)} ${label} — ~${formatDuration(Math.max(0, secondsLeft - elapsed))} left`;
        stream.write(`\r\x1b[2K${text.slice(0, width())}`);
      };
      draw();
      timer = setInterval(draw, 250);
      timer.unref();
    },
    end(index, total, result, secondsLeft) {
      stopTimer();
      const text = `${counter(index, total)} ${caseLabel(result, repeats)}: ${resultLine(result)} (~${formatDuration(secondsLeft)} left)`;
      if (live) stream.write(`\r\x1b[2K`);
      if (!live || result.status === 'failed') stream.write(`${text}\n`);
    },
    clear() {
      stopTimer();
      if (live) stream.write('\r\x1b[2K');
    },
  };
}
