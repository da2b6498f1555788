/**
 * The small parsers of option values: each throws an OptionError whose message is the one line the user sees, in the
 * language the command speaks (set before parsing: bench/plan/parse-args.ts).
 */
import { parseWholeNumber } from '../../lib/args.js';
import { t, type TextKey } from '../../lib/lang/lang.js';

export class OptionError extends Error {}

/** An OptionError with the catalogue's text for `key`. */
export function optionError(key: TextKey, vars: Readonly<Record<string, string | number>> = {}): OptionError {
  return new OptionError(t(key, vars));
}

const MAX_RATE = 1_000_000;
const MAX_SECONDS = 3600;

export function list<T extends string>(flag: string, raw: string, known: readonly T[], isKnown: (s: string) => s is T): T[] {
  const items = raw.split(',').map((s) => s.trim());
  const out: T[] = [];
  for (const item of items) {
    if (item === '') throw optionError('opt.err.emptyItem', { flag, raw: JSON.stringify(raw) });
    if (!isKnown(item)) {
      const unknown = flag === 'models' ? 'opt.err.unknownModel' : flag === 'workloads' ? 'opt.err.unknownWorkload' : 'opt.err.unknown';
      throw optionError(unknown, { flag, item, known: known.join(', ') });
    }
    if (out.includes(item)) throw optionError('opt.err.twiceName', { flag, item });
    out.push(item);
  }
  return out;
}

export function positiveInts(flag: string, raw: string, max: number): number[] {
  const out: number[] = [];
  for (const item of raw.split(',').map((s) => s.trim())) {
    const value = parseWholeNumber(item);
    if (value === null || value < 1 || value > max) throw optionError('opt.err.positiveInts', { flag, item: JSON.stringify(item), max: String(max) });
    if (out.includes(value)) throw optionError('opt.err.twice', { flag, item: String(value) });
    out.push(value);
  }
  return out.sort((a, b) => a - b);
}

/** Requests per second: positive numbers, each once, in ascending order. */
export function rates(raw: string): number[] {
  const out: number[] = [];
  for (const item of raw.split(',').map((s) => s.trim())) {
    const value = /^\d+(\.\d+)?$/.test(item) ? Number(item) : Number.NaN;
    if (!(value > 0 && value <= MAX_RATE)) throw optionError('opt.err.rate', { item: JSON.stringify(item), max: MAX_RATE });
    if (out.includes(value)) throw optionError('opt.err.twice', { flag: 'rate', item: String(value) });
    out.push(value);
  }
  return out.sort((a, b) => a - b);
}

export function seconds(flag: string, raw: string, allowZero: boolean): number {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  const ok = Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && value <= MAX_SECONDS;
  if (!ok) throw optionError(allowZero ? 'opt.err.secondsZero' : 'opt.err.seconds', { flag, max: String(MAX_SECONDS), got: JSON.stringify(raw) });
  return value;
}

export function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const value = parseWholeNumber(raw);
  if (value === null || value < min || value > max) throw optionError('opt.err.whole', { flag, min: String(min), max: String(max), got: JSON.stringify(raw) });
  return value;
}

/** Whole numbers from 0 (0 means none), each once, ascending: `--hold 0,1000,5000`. */
export function wholeInts(flag: string, raw: string, max: number): number[] {
  const out: number[] = [];
  for (const item of raw.split(',').map((s) => s.trim())) {
    const value = parseWholeNumber(item);
    if (value === null || value > max) throw optionError('opt.err.wholeInts', { flag, item: JSON.stringify(item), max: String(max) });
    if (out.includes(value)) throw optionError('opt.err.twice', { flag, item: String(value) });
    out.push(value);
  }
  return out.sort((a, b) => a - b);
}
