/**
 * The live view's state: what the run is doing, the running trial's samples, the current cell's trials and the
 * finished cases. It turns the run's hooks and the load driver's ticks into events (results/live-feed.ts), and
 * beats every BEAT_MS with the status, so that a viewer sees time pass even when nothing else happens.
 */
import type { Histogram } from 'hdr-histogram-js';
import type { CaseResult } from '../../results/schema.js';
import { liveCellName, type LiveCase, type LiveEnd, type LiveEvent, type LivePoint, type LiveSnapshot, type LiveStatus, type LiveTrial, type LiveTrialResult } from '../../results/live-feed.js';
import type { ModelName } from '../../servers/catalogue.js';
import { newLatencyHistogram } from '../load/latency.js';
import { TICK_MS, type LoadTick } from '../load/load-progress.js';
import type { RunHooks, TrialInfo } from '../run/run.js';
import type { TrialRun } from '../run/trial.js';
import { t } from '../../lib/lang/lang.js';

/** A status at least this often (the page promises an event every 500 ms). */
export const BEAT_MS = 250;
/** Samples kept per trial: 10 minutes at 4 a second (a trial's window and drain are far shorter). */
export const MAX_POINTS = 2400;
/** Ticks that make up "the last second". */
const RING = Math.max(1, Math.round(1000 / TICK_MS));

export interface LiveFeed {
  /** The run's hooks for the live view (to combine with the terminal's). */
  readonly hooks: Required<Pick<RunHooks, 'onPhase' | 'onTrialStart' | 'onTrialEnd' | 'onCellEnd' | 'onServerStart' | 'onLoadProgress'>>;
  snapshot(): LiveSnapshot;
  /** The last event (how the run ended); the beat stops. */
  end(end: LiveEnd): void;
}

interface Slot {
  readonly histogram: Histogram;
  responses: number;
  errors: number;
  seconds: number;
}

export function liveCase(c: CaseResult): LiveCase {
  const base = { workload: c.workload, connections: c.connections, ...(c.targetRate === undefined ? {} : { rate: c.targetRate }), model: c.model, trials: c.trials.length };
  return c.status === 'ok' ? { ...base, status: 'ok', rps: c.rps, p50Us: c.latencyUs.p50, p99Us: c.latencyUs.p99 } : { ...base, status: 'failed', error: c.error };
}

function trialResult(run: TrialRun): LiveTrialResult {
  const t = run.trial;
  return t.status === 'ok' ? { status: 'ok', rps: t.rps, p50Us: t.latencyUs.p50, p99Us: t.latencyUs.p99 } : { status: 'failed', error: t.error };
}

export function createLiveFeed(send: (event: LiveEvent) => void, heading: { readonly title: string; readonly plan: string }, now: () => number = () => performance.now()): LiveFeed {
  const t0 = now();
  // What the bench is doing, in the language of the page it serves (the bench's own).
  const MEASURING = t('livep.phase.measuring');
  let phase = t('livep.phase.starting');
  let trial: LiveTrial | null = null;
  let trialStartedAt = 0;
  let secondsLeft: number | null = null;
  let last: LivePoint | null = null;
  let cellIndex = -1;
  let cellName: string | null = null;
  let lines: { model: string; label: string; points: LivePoint[]; result?: LiveTrialResult }[] = [];
  const cases: LiveCase[] = [];
  // The last second, as RING slots of one tick each, allocated once and reused.
  const ring: Slot[] = Array.from({ length: RING }, () => ({ histogram: newLatencyHistogram(), responses: 0, errors: 0, seconds: 0 }));
  const second = newLatencyHistogram();
  let slot = 0;
  let ended = false;

  const status = (): LiveStatus => ({
    atMs: Math.round(now() - t0),
    phase,
    trial,
    secondsLeft: secondsLeft === null ? null : Math.max(0, Math.round(secondsLeft - (trial === null ? 0 : (now() - trialStartedAt) / 1000))),
    now: last,
  });
  let lastSent = -Infinity;
  const emit = (event: LiveEvent): void => {
    if (ended) return;
    lastSent = now();
    send(event);
  };
  // A status only when nothing else went out lately: during a trial, the load's ticks already carry it.
  const beat = setInterval(() => {
    if (now() - lastSent >= BEAT_MS * 0.8) emit({ type: 'status', status: status() });
  }, BEAT_MS);
  beat.unref();

  const clearRing = (): void => {
    for (const s of ring) {
      s.histogram.reset();
      s.responses = 0;
      s.errors = 0;
      s.seconds = 0;
    }
  };

  const onLoadProgress = (tick: LoadTick): void => {
    if (trial === null) return; // a server's own warm-up (bench/servers.ts) loads it outside any trial
    const s = ring[slot % RING];
    slot += 1;
    if (s === undefined) return;
    s.histogram.reset();
    s.histogram.add(tick.histogram);
    s.responses = tick.responses;
    s.errors = tick.errors;
    s.seconds = tick.intervalSeconds;
    second.reset();
    let responses = 0;
    let errors = 0;
    let seconds = 0;
    for (const r of ring) {
      second.add(r.histogram);
      responses += r.responses;
      errors += r.errors;
      seconds += r.seconds;
    }
    const any = second.totalCount > 0;
    const point: LivePoint = {
      t: Math.round(tick.elapsedSeconds * 100) / 100,
      stage: tick.stage,
      rps: seconds > 0 ? Math.round((responses / seconds) * 10) / 10 : 0,
      p50Us: any ? second.getValueAtPercentile(50) : null,
      p99Us: any ? second.getValueAtPercentile(99) : null,
      errors,
    };
    last = point;
    if (phase !== MEASURING) phase = MEASURING;
    const line = lines[lines.length - 1];
    if (line !== undefined) {
      line.points.push(point);
      if (line.points.length > MAX_POINTS) line.points.shift();
    }
    emit({ type: 'point', status: status(), point });
  };

  return {
    hooks: {
      onPhase(text) {
        phase = text;
        trial = null;
        last = null;
        emit({ type: 'status', status: status() });
      },
      onServerStart(model: ModelName) {
        phase = t('livep.phase.startingModel', { model });
        emit({ type: 'status', status: status() });
      },
      onTrialStart(info: TrialInfo) {
        trial = {
          cell: info.cell,
          cells: info.cells,
          workload: info.workload,
          connections: info.connections,
          ...(info.rate === undefined ? {} : { rate: info.rate }),
          model: info.model,
          round: info.round,
          retry: info.retry,
          warmupSeconds: info.warmupSeconds,
          durationSeconds: info.durationSeconds,
        };
        trialStartedAt = now();
        secondsLeft = info.secondsLeft;
        phase = MEASURING;
        last = null;
        clearRing();
        const newCell = info.cell !== cellIndex;
        if (newCell) {
          cellIndex = info.cell;
          cellName = liveCellName(trial);
          lines = [];
        }
        const line = { model: info.model, label: `${info.model} · ${info.retry ? t('livep.retry') : t('livep.trial', { n: info.round })}`, points: [] };
        lines.push(line);
        emit({ type: 'trial-start', status: status(), cellName: cellName ?? '', line, newCell });
      },
      onTrialEnd(_info: TrialInfo, run: TrialRun) {
        const result = trialResult(run);
        const line = lines[lines.length - 1];
        if (line !== undefined) line.result = result;
        trial = null;
        last = null; // the last second belongs to the trial: between trials there is none
        phase = t('livep.phase.between');
        emit({ type: 'trial-end', status: status(), result });
      },
      onCellEnd(_cell: number, _cells: number, finished: readonly CaseResult[]) {
        const added = finished.map(liveCase);
        cases.push(...added);
        emit({ type: 'cell-end', status: status(), cases: added });
      },
      onLoadProgress,
    },
    snapshot() {
      return { title: heading.title, plan: heading.plan, status: status(), cellName, lines: lines.map((l) => ({ ...l, points: [...l.points] })), cases: [...cases] };
    },
    end(end) {
      phase = end.outcome === 'complete' ? t('livep.phase.finished') : t(end.outcome === 'interrupted' ? 'livep.outcome.interrupted' : 'livep.outcome.failed');
      trial = null;
      emit({ type: 'end', status: status(), end });
      ended = true;
      clearInterval(beat);
    },
  };
}
