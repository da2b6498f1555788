/** What a run concludes, in words: a comparison of two models, a cell's ranking, a throughput with its interval. */
import { formatRps, formatSpread } from '../../lib/format.js';
import { decimal, t } from '../../lib/lang/lang.js';
import type { OkCase, Results } from '../../results/schema.js';
import { verdictFor, type Conclusion } from '../../results/stats/conclusions.js';
import type { Comparison } from '../../results/stats/stats.js';
import { rateUnit } from '../../results/workload-key.js';

/** "1 client", "16 clients", in the current language. */
export const clientsText = (n: number): string => (n === 1 ? t('summary.client') : t('summary.clients', { n }));
const times = (x: number): string => decimal(x >= 10 ? x.toFixed(1) : x.toFixed(2));

/**
 * Past this difference either way, "within ±173 % of each other" tells a reader nothing: a sentence gives the
 * ratio's interval instead, and says it is too wide to tell.
 */
export const WIDE_DIFFERENCE = 0.5;

/** Whether the interval of a ratio allows a difference beyond WIDE_DIFFERENCE either way. */
export function tooWide(interval: Comparison['interval']): interval is NonNullable<Comparison['interval']> {
  return interval !== null && Math.max(interval.high - 1, 1 - interval.low) > WIDE_DIFFERENCE;
}

/** "95%: 0.37–2.70×: too wide to tell which serves more" where an interval of a ratio is that wide; null otherwise. */
export function tooWideText(interval: Comparison['interval']): string | null {
  if (!tooWide(interval)) return null;
  return t('headline.wide', { range: t('rv.range', { low: times(interval.low), high: `${times(interval.high)}×` }) });
}

/**
 * "on `io` at 16 clients, `event-loop` served 15.2× the requests of `sequential` (95%: 14.8–15.6×)", in the current
 * language; "the messages", "the deliveries" for a WebSocket workload.
 */
export function conclusionText(workload: string, connections: number, a: string, b: string, comparison: Comparison): string {
  const where = t('tx.where', { workload, clients: clientsText(connections) });
  const { ratio, interval, verdict } = comparison;
  if (verdict === 'same') {
    // An interval that leaves out 1 but reaches into ±5 % shows a difference, only not one the lab calls.
    if (interval !== null && (interval.low > 1 || interval.high < 1)) {
      const [more, less, lo, hi] = interval.low > 1 ? [a, b, interval.low, interval.high] : [b, a, 1 / interval.high, 1 / interval.low];
      return t('tx.moreNotSurely', { where, more, less, interval: `${times(lo)}–${times(hi)}×` });
    }
    // The largest difference the interval allows either way: "±8%" says they differ by 8 % at most.
    const spread = interval === null ? t('tx.tooFewRounds') : (tooWideText(interval) ?? formatSpread(Math.max(interval.high - 1, 1 - interval.low)));
    return t('tx.same', { where, a, b, spread });
  }
  const [more, less, r, lowHigh] =
    verdict === 'faster'
      ? [a, b, ratio, interval === null ? '' : `${times(interval.low)}–${times(interval.high)}×`]
      : [b, a, 1 / ratio, interval === null ? '' : `${times(1 / interval.high)}–${times(1 / interval.low)}×`];
  return t('tx.served', { where, more, less, ratio: times(r), interval: lowHigh, what: t(`unit.${rateUnit(workload)}`) });
}

/** The sentence of a conclusion. */
export function conclusionSentence(c: Conclusion): string {
  return conclusionText(c.workload, c.connections, c.a, c.b, c.comparison);
}

/** "12,345 req/s (95%: 11,900–12,800)" for tables and summaries; the interval only where there is one. */
export function rpsWithInterval(c: OkCase): string {
  return c.rpsInterval === null ? t('tx.rps', { rps: formatRps(c.rps) }) : t('tx.rpsInterval', { rps: formatRps(c.rps), low: formatRps(c.rpsInterval.low), high: formatRps(c.rpsInterval.high) });
}

/**
 * A cell's models from most to least throughput, joined by ">" where the neighbours differ measurably and "≈"
 * where they do not: "event-loop ≈ cluster > worker-pool > sequential".
 */
export function rankingText(results: Results, all: readonly Conclusion[], workload: string, connections: number): string | null {
  const cases = results.cases.filter((c): c is OkCase => c.status === 'ok' && c.mode === 'closed' && c.workload === workload && c.connections === connections).sort((x, y) => y.rps - x.rps);
  const [first, ...rest] = cases;
  if (first === undefined) return null;
  let text = first.model;
  let previous = first.model;
  for (const c of rest) {
    const found = all.find((d) => d.workload === workload && d.connections === connections && ((d.a === previous && d.b === c.model) || (d.b === previous && d.a === c.model)));
    // No interval (one round): the ranking cannot say "no measurable difference" either; "?" says so.
    text += found !== undefined && verdictFor(found, previous) === 'faster' ? ` > ${c.model}` : found === undefined || found.comparison.interval === null ? ` ? ${c.model}` : ` ≈ ${c.model}`;
    previous = c.model;
  }
  return text;
}
