/**
 * The live feed of a bench run (`npm run bench -- --live`): the messages the bench's live server sends at
 * GET /events, one JSON object per server-sent event. Like the results file, this is the contract between the
 * bench that writes it and the page that reads it (reports/pages/live-page.ts), so it sits here, below both.
 */
import { t } from '../lib/lang/lang.js';

/** The trial running now: what the terminal's progress line says, as data. */
export interface LiveTrial {
  readonly cell: number;
  readonly cells: number;
  readonly workload: string;
  readonly connections: number;
  /** Open loop: requests per second offered. */
  readonly rate?: number;
  readonly model: string;
  readonly round: number;
  readonly retry: boolean;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

/** One sample of the running trial: what the last second looked like, from the load driver's ticks. */
export interface LivePoint {
  /** Seconds since the trial's load started (its warm-up included). */
  readonly t: number;
  readonly stage: 'warmup' | 'ramp' | 'window' | 'drain';
  /** Answers per second over the last second. */
  readonly rps: number;
  /** Latency of the answers of the last second, in µs; null when none came. */
  readonly p50Us: number | null;
  readonly p99Us: number | null;
  /** Errors (refused, reset, timed out) over the last second. */
  readonly errors: number;
}

/** A trial of the current cell, with its samples: the lines of the cell's throughput chart. */
export interface LiveTrialLine {
  readonly model: string;
  readonly label: string;
  readonly points: readonly LivePoint[];
  /** Set once the trial is over: its measured result, or why it failed. */
  readonly result?: LiveTrialResult;
}

export type LiveTrialResult =
  | { readonly status: 'ok'; readonly rps: number; readonly p50Us: number; readonly p99Us: number }
  | { readonly status: 'failed'; readonly error: string };

/** A finished case: its median (the number the report will show). */
export type LiveCase = {
  readonly workload: string;
  readonly connections: number;
  readonly rate?: number;
  readonly model: string;
  readonly trials: number;
} & ({ readonly status: 'ok'; readonly rps: number; readonly p50Us: number; readonly p99Us: number } | { readonly status: 'failed'; readonly error: string });

/** The state every beat carries: small, so that it can be sent a few times a second. */
export interface LiveStatus {
  /** Milliseconds since the live server started (the bench's clock). */
  readonly atMs: number;
  /** What the bench is doing: "calibrating CPU work", "probing the machine (start)", "starting event-loop", "measuring"… */
  readonly phase: string;
  readonly trial: LiveTrial | null;
  /** Estimate of the run's time left, in seconds (null before the first trial). */
  readonly secondsLeft: number | null;
  /** The running trial's last sample. */
  readonly now: LivePoint | null;
}

export interface LiveSnapshot {
  readonly title: string;
  /** The run's plan in one line (the bench's banner). */
  readonly plan: string;
  readonly status: LiveStatus;
  /** The current cell's name ("hello × 4") and its trials so far. */
  readonly cellName: string | null;
  readonly lines: readonly LiveTrialLine[];
  readonly cases: readonly LiveCase[];
}

export type LiveEnd = { readonly outcome: 'complete' | 'interrupted' | 'failed'; readonly message: string };

/** Every event: a snapshot first (also after a reconnection), then what changed. */
export type LiveEvent =
  | { readonly type: 'snapshot'; readonly snapshot: LiveSnapshot }
  | { readonly type: 'status'; readonly status: LiveStatus }
  | { readonly type: 'trial-start'; readonly status: LiveStatus; readonly cellName: string; readonly line: LiveTrialLine; readonly newCell: boolean }
  | { readonly type: 'point'; readonly status: LiveStatus; readonly point: LivePoint }
  | { readonly type: 'trial-end'; readonly status: LiveStatus; readonly result: LiveTrialResult }
  | { readonly type: 'cell-end'; readonly status: LiveStatus; readonly cases: readonly LiveCase[] }
  | { readonly type: 'end'; readonly status: LiveStatus; readonly end: LiveEnd };

/** "hello × 4" or "io at 100/s". */
export function liveCellName(trial: Pick<LiveTrial, 'workload' | 'connections' | 'rate'>): string {
  return trial.rate === undefined ? `${trial.workload} × ${String(trial.connections)}` : t('livep.cellRate', { workload: trial.workload, rate: String(trial.rate) });
}
