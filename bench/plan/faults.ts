/**
 * --fault <kind>@<seconds>[:<arg>]: something done to the server inside each trial's window, at `seconds` from its
 * start. A fault is an experiment, not a failure: the trial goes on through it, and its timeline shows what
 * happened. Checked here, before any server starts.
 *
 *   kill@1            SIGKILL one server process (cluster: one of its processes; every other model: its main process)
 *   stall@1:300       the same process stops for 300 ms (SIGSTOP, then SIGCONT)
 *   slowloris@0:200   200 extra connections that send their request's headers one byte per second
 *   cpu-hog@1:2       a busy process on the server's cores for 2 s
 */
import { optionError } from './option-values.js';

export const FAULT_KINDS = ['kill', 'stall', 'slowloris', 'cpu-hog'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  readonly kind: FaultKind;
  /** Seconds from the window's start. */
  readonly atSeconds: number;
  /** stall: milliseconds; slowloris: connections; cpu-hog: seconds; kill: none (0). */
  readonly arg: number;
}

/** Each kind's argument: its default, its bounds, and whether it must be a whole number. */
const ARGS: Readonly<Record<FaultKind, { readonly fallback: number; readonly min: number; readonly max: number; readonly whole: boolean } | null>> = {
  kill: null,
  stall: { fallback: 300, min: 1, max: 60_000, whole: true },
  slowloris: { fallback: 200, min: 1, max: 10_000, whole: true },
  'cpu-hog': { fallback: 2, min: 0.1, max: 600, whole: false },
};

/** Faults one run may hold: a few is an experiment; more is a different tool. */
export const MAX_FAULTS = 10;

const isKind = (s: string): s is FaultKind => (FAULT_KINDS as readonly string[]).includes(s);

/** One --fault value. `durationSeconds`: the window's length, which the fault must fall in. */
export function parseFault(raw: string, durationSeconds: number): FaultSpec {
  const match = /^([a-z-]+)@(\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(raw.trim());
  if (match === null) throw optionError('opt.err.fault', { got: JSON.stringify(raw.slice(0, 60)) });
  const [, kind = '', at = '', arg] = match;
  if (!isKind(kind)) throw optionError('opt.err.faultKind', { got: JSON.stringify(kind), known: FAULT_KINDS.join(', ') });
  const atSeconds = Number(at);
  if (!(atSeconds < durationSeconds)) throw optionError('opt.err.faultAt', { fault: raw.trim(), at: String(atSeconds), duration: String(durationSeconds) });
  const bounds = ARGS[kind];
  if (bounds === null) {
    if (arg !== undefined) throw optionError('opt.err.faultNoArg', { fault: raw.trim(), kind });
    return { kind, atSeconds, arg: 0 };
  }
  const value = arg === undefined ? bounds.fallback : Number(arg);
  if (!(value >= bounds.min && value <= bounds.max) || (bounds.whole && !Number.isInteger(value))) {
    throw optionError(`opt.err.faultArg.${kind}`, { fault: raw.trim(), min: String(bounds.min), max: String(bounds.max) });
  }
  return { kind, atSeconds, arg: value };
}

/** Every --fault of the run (joined by `separator`), in the order they happen. */
export function parseFaults(joined: string | undefined, separator: string, durationSeconds: number): FaultSpec[] {
  if (joined === undefined) return [];
  const raws = joined.split(separator);
  if (raws.length > MAX_FAULTS) throw optionError('opt.err.faultMany', { max: MAX_FAULTS });
  const faults = raws.map((r) => parseFault(r, durationSeconds)).sort((a, b) => a.atSeconds - b.atSeconds);
  // Two faults at once to one server say two contradicting things about the same moment: one of them is enough.
  const twice = faults.find((f, i) => faults.some((g, j) => j < i && g.atSeconds === f.atSeconds && (g.kind === f.kind || g.kind === 'kill' || f.kind === 'kill')));
  if (twice !== undefined) throw optionError('opt.err.faultTwice', { fault: faultLabel(twice), at: String(twice.atSeconds) });
  return faults;
}

/** "kill@1", "stall@1:300": a fault as it was asked for (and as the pages name it). */
export function faultLabel(f: Pick<FaultSpec, 'kind' | 'atSeconds' | 'arg'>): string {
  return ARGS[f.kind] === null ? `${f.kind}@${f.atSeconds}` : `${f.kind}@${f.atSeconds}:${f.arg}`;
}
