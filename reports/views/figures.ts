/**
 * Numbers as the pages write them, with how sure they are: "12,345 ±6%" (the 95 % interval, its larger side),
 * "≥ 1.36 s" (a latency that misses some waiting), "63×" and "(95%: 60–66×)". Pure and browser-safe: the
 * views format here, once, and the page scripts only show the text.
 */
import { formatRps, formatSpread, formatUs } from '../../lib/format.js';
import { decimal } from '../../lib/lang/lang.js';
import { relativeHalfWidth, type Interval } from '../../results/stats/stats.js';

const dash = '—';

/** "±6%": the larger side of the 95 % interval around the value; "" when there is no interval (one trial). */
export function plusMinus(value: number, interval: Interval | null): string {
  const width = relativeHalfWidth(value, interval);
  if (!Number.isFinite(width)) return '';
  return formatSpread(width);
}

/** "12,345 ±6%" for a throughput; "—" when there is none. */
export function rpsText(value: number | null, interval: Interval | null): string {
  if (value === null) return dash;
  const pm = plusMinus(value, interval);
  return pm === '' ? formatRps(value) : `${formatRps(value)} ${pm}`;
}

/**
 * A latency: "21.4 ms ±5%", or "≥ 1.36 s" when it is a lower bound (Little's law, or requests never answered):
 * the interval of a number known to be too low says nothing useful, so it is left out.
 */
export function latencyText(value: number | null, interval: Interval | null, lowerBound: boolean): string {
  if (value === null) return dash;
  if (lowerBound) return `≥ ${formatUs(value)}`;
  const pm = plusMinus(value, interval);
  return pm === '' ? formatUs(value) : `${formatUs(value)} ${pm}`;
}

/** "95%: 11,900–12,800 req/s", for tooltips and titles; "" without an interval. */
export function rpsRangeText(interval: Interval | null): string {
  return interval === null ? '' : `95%: ${formatRps(interval.low)}–${formatRps(interval.high)} req/s`;
}

export function latencyRangeText(interval: Interval | null): string {
  return interval === null ? '' : `95%: ${formatUs(interval.low)}–${formatUs(interval.high)}`;
}

/** A ratio as a headline says it: "63×", "1.92×". */
export function ratioText(ratio: number): string {
  return ratio >= 10 ? ratio.toFixed(0) : decimal(ratio.toFixed(2));
}

/** "95%: 60–66×" */
export function ratioRangeText(interval: Interval): string {
  return `95%: ${ratioText(interval.low)}–${ratioText(interval.high)}×`;
}

/**
 * "±8%" for two models that do not differ measurably: the largest difference their ratio's interval allows
 * either way (as results/conclusions.ts says it); "" without an interval.
 */
export function differencePlusMinus(interval: Interval | null): string {
  return interval === null ? '' : formatSpread(Math.max(interval.high - 1, 1 - interval.low));
}

/** "90%" and "95%: 85–95%": a share of a reference (the bare baseline). */
export function percentText(share: number): string {
  return `${Math.round(share * 100).toString()}%`;
}
