/** The small parsers of option values: each throws an OptionError whose message is the one line the user sees. */
import { parseWholeNumber } from '../../lib/args.js';

export class OptionError extends Error {}

const MAX_RATE = 1_000_000;
const MAX_SECONDS = 3600;

export function list<T extends string>(flag: string, raw: string, known: readonly T[], isKnown: (s: string) => s is T): T[] {
  const items = raw.split(',').map((s) => s.trim());
  const out: T[] = [];
  for (const item of items) {
    if (item === '') throw new OptionError(`--${flag} has an empty item in ${JSON.stringify(raw)}`);
    if (!isKnown(item)) throw new OptionError(`--${flag}: unknown ${flag.replace(/s$/, '')} '${item}' (known: ${known.join(', ')})`);
    if (out.includes(item)) throw new OptionError(`--${flag}: '${item}' is listed twice`);
    out.push(item);
  }
  return out;
}

export function positiveInts(flag: string, raw: string, max: number): number[] {
  const out: number[] = [];
  for (const item of raw.split(',').map((s) => s.trim())) {
    const value = parseWholeNumber(item);
    if (value === null || value < 1 || value > max) throw new OptionError(`--${flag}: ${JSON.stringify(item)} is not a whole number from 1 to ${max}`);
    if (out.includes(value)) throw new OptionError(`--${flag}: ${value} is listed twice`);
    out.push(value);
  }
  return out.sort((a, b) => a - b);
}

/** Requests per second: positive numbers, each once, in ascending order. */
export function rates(raw: string): number[] {
  const out: number[] = [];
  for (const item of raw.split(',').map((s) => s.trim())) {
    const value = /^\d+(\.\d+)?$/.test(item) ? Number(item) : Number.NaN;
    if (!(value > 0 && value <= MAX_RATE)) throw new OptionError(`--rate: ${JSON.stringify(item)} is not a rate in requests per second, above 0 up to ${MAX_RATE.toLocaleString('en-US')}`);
    if (out.includes(value)) throw new OptionError(`--rate: ${value} is listed twice`);
    out.push(value);
  }
  return out.sort((a, b) => a - b);
}

export function seconds(flag: string, raw: string, allowZero: boolean): number {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  const ok = Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && value <= MAX_SECONDS;
  if (!ok) throw new OptionError(`--${flag} must be a number of seconds, ${allowZero ? 'from 0' : 'above 0'} up to ${MAX_SECONDS}, got ${JSON.stringify(raw)}`);
  return value;
}

export function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const value = parseWholeNumber(raw);
  if (value === null || value < min || value > max) throw new OptionError(`--${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}


/** Whole numbers from 0 (0 means none), each once, ascending: `--hold 0,1000,5000`. */
export function wholeInts(flag: string, raw: string, max: number): number[] {
  const out: number[] = [];
  for (const item of raw.split(',').map((s) => s.trim())) {
    const value = parseWholeNumber(item);
    if (value === null || value > max) throw new OptionError(`--${flag}: ${JSON.stringify(item)} is not a whole number from 0 to ${max}`);
    if (out.includes(value)) throw new OptionError(`--${flag}: ${value} is listed twice`);
    out.push(value);
  }
  return out.sort((a, b) => a - b);
}
