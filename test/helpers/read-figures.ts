/**
 * The pages' figures read back as a reader reads them, with none of the page's own formatters: a test that compares
 * a table with the results file through the page's formatter would pass whatever bug that formatter has.
 */
import { expect } from 'vitest';

export interface ReadFigure {
  readonly value: number;
  /** The "±" as a fraction (0.08 for "±8%"), or null without one. */
  readonly plusMinus: number | null;
  readonly lowerBound: boolean;
}

const UNITS: Readonly<Record<string, number>> = { 'µs': 1, ms: 1000, s: 1_000_000 };

/** "12,345 ±8%", "47.5", "≥ 1.36 s", "850 µs ±0.4%": the number (latencies in µs), its ±, its ≥. */
export function readFigure(text: string): ReadFigure {
  const m = /^(≥ )?([\d,]+(?:\.\d+)?)(?: (µs|ms|s))?(?: ±(\d+(?:\.\d)?)%)?$/.exec(text.trim());
  if (m === null) throw new Error(`not a figure as the pages write them: ${JSON.stringify(text)}`);
  const number = Number((m[2] ?? '').replaceAll(',', ''));
  return { value: number * (m[3] === undefined ? 1 : (UNITS[m[3]] ?? Number.NaN)), plusMinus: m[4] === undefined ? null : Number(m[4]) / 100, lowerBound: m[1] !== undefined };
}

/** The larger side of a 95 % interval around its value, as a fraction: what "±" means on every page. */
function spreadOf(value: number, interval: { readonly low: number; readonly high: number } | null): number | null {
  return interval === null || !(value > 0) ? null : Math.max(interval.high / value - 1, 1 - interval.low / value);
}

/** The ± as written: whole percent, one decimal below 1 %: equal within half the last digit. */
function expectSpread(shown: number | null, want: number | null, where: string): void {
  if (want === null || !Number.isFinite(want)) {
    expect(shown, where).toBeNull();
    return;
  }
  expect(shown, where).not.toBeNull();
  const step = want * 100 < 0.95 ? 0.001 : 0.01;
  expect(Math.abs((shown ?? 0) - want), `${where}: ±${String(shown)} for ${want}`).toBeLessThanOrEqual(step / 2 + 1e-9);
}

/** A throughput as written: the median (whole above 100, one decimal below), its ±. */
export function expectRps(text: string, rps: number, interval: { readonly low: number; readonly high: number } | null, where = text): void {
  const read = readFigure(text);
  expect(read.lowerBound, where).toBe(false);
  expect(Math.abs(read.value - rps), `${where}: ${text} for ${rps}`).toBeLessThanOrEqual(rps >= 100 ? 0.5 : 0.05 + 1e-9);
  expectSpread(read.plusMinus, spreadOf(rps, interval), where);
}

/** A latency as written: three significant digits in its unit, its ± unless it is a lower bound (then "≥" and no ±). */
export function expectLatency(text: string, us: number, interval: { readonly low: number; readonly high: number } | null, lowerBound: boolean, where = text): void {
  const read = readFigure(text);
  expect(read.lowerBound, where).toBe(lowerBound);
  expect(Math.abs(read.value - us) / Math.max(us, 1), `${where}: ${text} for ${us} µs`).toBeLessThanOrEqual(0.006);
  expectSpread(read.plusMinus, lowerBound ? null : spreadOf(us, interval), where);
}
