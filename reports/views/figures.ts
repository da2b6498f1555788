/**
 * Numbers as the pages write them, with how sure they are: "12,345 ±6%" (the 95 % interval, its larger side),
 * "≥ 1.36 s" (a latency that misses some waiting), "63×" and "(95%: 60–66×)". Pure and browser-safe: the
 * views format here, once, and the page scripts only show the text.
 */
import { formatRps, formatSpread, formatUs } from '../../lib/format.js';
import { currentLang, decimal, t, type TextKey } from '../../lib/lang/lang.js';
import { relativeHalfWidth, supportsPercentile, type Interval } from '../../results/stats/stats.js';
import { grouped } from '../../lib/lang/lang.js';

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

/** What a percentile's text needs: the figure, its interval, and how many answers stand behind it. */
export interface PercentileFigures {
  readonly value: number | null;
  readonly interval: Interval | null;
  readonly lowerBound: boolean;
  /** Answers behind the percentile (null in files without a pooled sample: the rule cannot be applied). */
  readonly sample: number | null;
  readonly max: number | null;
}

/**
 * "max 12.3 ms of 72": what a percentile becomes when its sample cannot hold it (a p99 of fewer than 1,000 answers is
 * the largest few of them, not a percentile); null when the sample holds it. Every page that shows a p99 asks here.
 */
export function maxOfText(f: PercentileFigures, percentile: number): string | null {
  if (f.sample === null || f.max === null || supportsPercentile(f.sample, percentile)) return null;
  return `${f.lowerBound ? '≥ ' : ''}${t('rv.cell.maxOf', { max: formatUs(f.max), n: grouped(f.sample) })}`;
}

/** A percentile as every page shows it: "max … of n" where its sample cannot hold it, else `latencyText`. */
export function percentileText(f: PercentileFigures, percentile: number, withInterval = true): string {
  return maxOfText(f, percentile) ?? latencyText(f.value, withInterval ? f.interval : null, f.lowerBound);
}

/** "95%: 11,900–12,800 req/s", for tooltips and titles; "" without an interval. */
export function rpsRangeText(interval: Interval | null): string {
  return interval === null ? '' : t('rv.range.rps', { low: formatRps(interval.low), high: formatRps(interval.high) });
}

export function latencyRangeText(interval: Interval | null): string {
  return interval === null ? '' : t('rv.range', { low: formatUs(interval.low), high: formatUs(interval.high) });
}

/** A ratio as a headline says it: "63×", "1.92×". */
export function ratioText(ratio: number): string {
  return ratio >= 10 ? ratio.toFixed(0) : decimal(ratio.toFixed(2));
}

/** "95%: 60–66×" */
export function ratioRangeText(interval: Interval): string {
  return t('rv.range', { low: ratioText(interval.low), high: `${ratioText(interval.high)}×` });
}

/**
 * "±8%" for two models that do not differ measurably: the largest difference their ratio's interval allows
 * either way (as results/conclusions.ts says it); "" without an interval.
 */
export function differencePlusMinus(interval: Interval | null): string {
  return interval === null ? '' : formatSpread(Math.max(interval.high - 1, 1 - interval.low));
}

/** "90%" and "95%: 85–95%": a share of a reference (the bare baseline); "90 %" in French. */
export function percentText(share: number): string {
  return wholePercent(share * 100);
}

/** "75%" / "75 %": a percentage given as a number, rounded to a whole one, the language's way. */
export function wholePercent(percent: number): string {
  return `${Math.round(percent).toString()}${currentLang() === 'fr' ? '\u00a0%' : '%'}`;
}

/**
 * "1 core" / "3 cores": a count with the word of its number. French puts 0 and 1 in the singular ("0 essai
 * marqué"), English only 1.
 */
export function counted(n: number, one: TextKey, many: TextKey, vars: Readonly<Record<string, string | number>> = {}): string {
  const singular = currentLang() === 'fr' ? Math.abs(n) < 2 : n === 1;
  return t(singular ? one : many, { n, ...vars });
}

/** "1.9 clients", "1 client": the knee N*, to a tenth. */
export function kneeText(knee: number): string {
  const tenth = Math.round(knee * 10) / 10;
  return counted(tenth, 'rv.knee.one', 'rv.knee.many', { n: decimal(tenth.toString()) });
}
