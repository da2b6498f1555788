import { formatRps } from '../../lib/format.js';
import type { Cell } from '../../results/stats/aggregate.js';
import { verdictFor, type Conclusion } from '../../results/stats/conclusions.js';
import type { Comparison } from '../../results/stats/stats.js';
import { counted, differencePlusMinus, percentText, percentileText, ratioRangeText, ratioText, rpsText } from './figures.js';
import { t } from '../../lib/lang/lang.js';
import { tooWide, tooWideText } from '../text/conclusions.js';
import { rateUnit } from '../../results/workload-key.js';

const clientsText = (n: number): string => counted(n, 'rv.clients.one', 'rv.clients.many');

const find = (conclusions: readonly Conclusion[], a: string, b: string): Conclusion | undefined => conclusions.find((x) => (x.a === a && x.b === b) || (x.a === b && x.b === a));

/** The comparison of a with b from the cell's conclusions, turned so that its ratio is a / b. */
export function comparisonOf(conclusions: readonly Conclusion[], a: string, b: string): Comparison | undefined {
  const c = find(conclusions, a, b);
  if (c === undefined) return undefined;
  if (c.a === a) return c.comparison;
  const { ratio, interval, rounds } = c.comparison;
  return { ratio: 1 / ratio, interval: interval === null ? null : { low: 1 / interval.high, high: 1 / interval.low }, rounds, verdict: verdictFor(c, a) };
}

/** "±8%" for a pair that does not differ, as the run's own conclusion about it says (in its order of the pair); its ratio's interval where that is wide. */
function spread(conclusions: readonly Conclusion[], a: string, b: string): string {
  return tooWideText(comparisonOf(conclusions, a, b)?.interval ?? null) ?? differencePlusMinus(find(conclusions, a, b)?.comparison.interval ?? null);
}

/**
 * "`a` served 63× the requests of `b` (95%: 60–66×)", or "`a` and `b` do not differ measurably (±8%)", from
 * their paired comparison; `a` is the one with the higher median. Without rounds in common, the medians'
 * ratio, said to be without an interval.
 */
function pairSentence(a: Cell, b: Cell, comparison: Comparison | undefined, pm: string): string {
  const what = t(`unit.${rateUnit(a.workload)}`);
  if (comparison === undefined || comparison.interval === null) {
    const ratio = (a.rps ?? 0) / (b.rps ?? 1);
    const why = comparison === undefined ? t('headline.notPaired') : t('headline.oneRound');
    return t('headline.served', { a: a.model, ratio: ratioText(ratio), b: b.model, how: why, what });
  }
  if (comparison.verdict === 'same') return t('headline.same', { a: a.model, b: b.model, pm });
  // The paired rounds decide which served more, even where the medians say otherwise.
  const [more, less, c] = comparison.verdict === 'faster' ? [a, b, comparison] : [b, a, invert(comparison)];
  return t('headline.served', { a: more.model, ratio: ratioText(c.ratio), b: less.model, how: c.interval === null ? t('headline.noInterval') : ratioRangeText(c.interval), what });
}

function invert(c: Comparison): Comparison {
  return { ratio: 1 / c.ratio, interval: c.interval === null ? null : { low: 1 / c.interval.high, high: 1 / c.interval.low }, rounds: c.rounds, verdict: c.verdict === 'faster' ? 'slower' : c.verdict === 'slower' ? 'faster' : 'same' };
}

/**
 * A headline's p99 carries its "≥" but not its ±: one uncertainty per sentence is what a class can read. Fewer than
 * 1,000 answers make it "max of n", as everywhere.
 */
const p99Of = (c: Cell): string => percentileText({ value: c.p99, interval: null, lowerBound: c.latencyLowerBound, sample: c.latencySample, max: c.max }, 99, false);

/**
 * The sentence at the top of a workload, spoken as a conclusion with its uncertainty: the model that served
 * most against the one that served least, then against the runner-up, then against the bare baseline. `cells`
 * are the workload's cells at one number of clients and `conclusions` that cell's (results/conclusions.ts);
 * reference models (baseline) are the ceiling, never a contender.
 */
export function headline(workload: string, connections: number, cells: readonly Cell[], conclusions: readonly Conclusion[], referenceModels: ReadonlySet<string>): string {
  return headlineSentences(workload, connections, cells, conclusions, referenceModels).join(' ');
}

/** The headline's sentences: the first is the story a report opens with; the others follow in the workload's section. */
export function headlineSentences(workload: string, connections: number, cells: readonly Cell[], conclusions: readonly Conclusion[], referenceModels: ReadonlySet<string>): string[] {
  const here = conclusions.filter((c) => c.workload === workload && c.connections === connections);
  const measured = cells.filter((c) => c.rps !== null && c.rps > 0);
  const contenders = measured.filter((c) => !referenceModels.has(c.model)).sort((a, b) => (b.rps ?? 0) - (a.rps ?? 0));
  const at = t('headline.at', { clients: clientsText(connections), workload });
  const best = contenders[0];
  const worst = contenders[contenders.length - 1];
  if (best === undefined || worst === undefined) return [t('headline.none', { at })];
  const sentences: string[] = [];
  if (best === worst) {
    sentences.push(t('headline.only', { at, model: best.model, rps: rpsText(best.rps, best.rpsInterval), what: t(`unit.${rateUnit(workload)}`) }));
  } else {
    const extremes = comparisonOf(here, best.model, worst.model);
    if (extremes !== undefined && tooWide(extremes.interval) && extremes.verdict === 'same') {
      sentences.push(t('headline.allSameWide', { at, best: best.model, worst: worst.model, range: ratioRangeText(extremes.interval) }));
    } else if (extremes !== undefined && extremes.interval !== null && extremes.verdict === 'same') {
      sentences.push(t('headline.allSame', { at, best: best.model, worst: worst.model, pm: spread(here, best.model, worst.model) }));
    } else {
      sentences.push(t('headline.extremes', { at, pair: pairSentence(best, worst, extremes, spread(here, best.model, worst.model)), p99a: p99Of(best), p99b: p99Of(worst) }));
    }
    const second = contenders[1];
    if (contenders.length >= 3 && second !== undefined && !(extremes?.verdict === 'same' && extremes.interval !== null)) {
      sentences.push(t('headline.next', { pair: pairSentence(best, second, comparisonOf(here, best.model, second.model), spread(here, best.model, second.model)) }));
    }
  }
  for (const reference of measured.filter((c) => referenceModels.has(c.model))) {
    sentences.push(referenceSentence(best, reference, comparisonOf(here, best.model, reference.model), spread(here, best.model, reference.model)));
  }
  const failed = cells.filter((c) => c.rps === null && c.failed.length > 0).map((c) => `\`${c.model}\``);
  if (failed.length > 0) sentences.push(t('headline.failed', { models: failed.join(', ') }));
  return sentences;
}

/** "`event-loop` reached 92% (95%: 88–96%) of the bare `baseline`’s 36,584 req/s." */
function referenceSentence(best: Cell, reference: Cell, comparison: Comparison | undefined, pm: string): string {
  const vars = { model: best.model, reference: reference.model, rps: formatRps(reference.rps ?? 0) };
  if (comparison === undefined || comparison.interval === null) return t('rv.reference.noInterval', { ...vars, share: percentText((best.rps ?? 0) / (reference.rps ?? 1)) });
  if (comparison.verdict === 'same') return t('rv.reference.same', { ...vars, pm });
  return t('rv.reference.reached', { ...vars, share: percentText(comparison.ratio), range: t('rv.range', { low: Math.round(comparison.interval.low * 100), high: percentText(comparison.interval.high) }) });
}
