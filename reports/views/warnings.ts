/**
 * Warnings are data ({ code, message }): a page groups them by code and explains each code once, in its own
 * words; the messages (numbers for people) are shown as they are, never searched.
 */
import type { Results, WarningCode } from '../../results/schema.js';
import { t, type TextKey } from '../../lib/lang/lang.js';
import { speaker } from '../../lib/lang/sentences.js';

export interface WarningKind {
  readonly title: string;
  /** What it means in one line, for the first screen (the first sentence of `meaning` when absent). */
  readonly short?: string;
  /** What it means for the numbers, said once for every case that carries it ("" where the messages say it all). */
  readonly meaning: string;
}

/** Every code the results may carry, in the order a reader should meet them: a new code is a compile error below. */
const KIND_CODES = ['upgraded', 'machine', 'machine-drift', 'littles-law', 'censored', 'late-sends', 'dropped-sends', 'client-lag', 'slow-ramp', 'marked-trials', 'wide-interval', 'client-saturated', 'oversubscribed', 'failed-trials', 'errors', 'non-2xx', 'no-response', 'server-stop', 'cold-server', 'held-refused', 'lost-deliveries', 'placement', 'agents'] as const satisfies readonly WarningCode[];
export const WARNING_ORDER: readonly WarningCode[] = KIND_CODES;
/** True only when every code of the results has a kind here: a code left out does not compile. */
export const KINDS_COMPLETE: [Exclude<WarningCode, (typeof KIND_CODES)[number]>] extends [never] ? true : never = true;

/** A kind in the page's language: its title, its short line (none: the first sentence of its meaning), its meaning. */
export function warningKind(code: WarningCode): WarningKind {
  const short = t(`kind.${code}.short` as TextKey);
  return { title: t(`kind.${code}.title` as TextKey), ...(short === '' ? {} : { short }), meaning: t(`kind.${code}.meaning` as TextKey) };
}

export interface WarningCaseView {
  readonly model: string;
  readonly workload: string;
  readonly connections: number;
  readonly message: string;
}

export interface WarningGroupView extends WarningKind {
  readonly code: WarningCode;
  /** Run-level messages of this code. */
  readonly messages: readonly string[];
  /** Cases that carry it, each with its own message. */
  readonly cases: readonly WarningCaseView[];
}

/** Run-level and case warnings, grouped by code in the order of WARNING_ORDER; codes nobody carries are left out. */
export function groupWarnings(results: Results): WarningGroupView[] {
  const say = speaker(results.sentences);
  const codes = WARNING_ORDER;
  return codes.flatMap((code): WarningGroupView[] => {
    const messages = results.warnings.filter((w) => w.code === code).map((w) => say(w.message));
    const cases = results.cases.flatMap((c) => c.warnings.filter((w) => w.code === code).map((w) => ({ model: c.model, workload: c.workload, connections: c.connections, message: say(w.message) })));
    return messages.length === 0 && cases.length === 0 ? [] : [{ code, ...warningKind(code), messages, cases }];
  });
}

/** A warning on the first screen: its kind, how many cases carry it, and what it means, in one line. */
export interface TopWarningView {
  readonly code: WarningCode | 'failed-cases';
  readonly title: string;
  /** Cases that carry it (0 for a warning about the whole run). */
  readonly count: number;
  readonly line: string;
}

/**
 * What a reader must meet before any number, most telling first: failed cases, a machine that changed, a saturated
 * client, latencies that are lower bounds, failed requests. The rest (and every detail) is in the warnings section.
 */
const FIRST: readonly WarningCode[] = ['machine-drift', 'client-saturated', 'lost-deliveries', 'littles-law', 'censored', 'errors', 'non-2xx', 'held-refused', 'dropped-sends', 'client-lag', 'wide-interval', 'slow-ramp', 'marked-trials', 'upgraded', 'oversubscribed', 'late-sends', 'failed-trials', 'no-response', 'server-stop', 'agents', 'machine'];

/** The first sentence of a meaning, or of a message where the kind has no meaning of its own. */
const firstSentence = (text: string): string => (text.split(/(?<=\.)\s/)[0] ?? text).replace(/\.$/, '');

export function topWarnings(results: Results, failedCases: number, at = 3): TopWarningView[] {
  const groups = new Map(groupWarnings(results).map((g) => [g.code, g]));
  const out: TopWarningView[] = [];
  if (failedCases > 0) out.push({ code: 'failed-cases', title: t('rv.failedCases.title'), count: failedCases, line: t('rv.failedCases.line') });
  for (const code of FIRST) {
    const g = groups.get(code);
    if (g === undefined) continue;
    out.push({ code, title: g.title, count: g.cases.length, line: g.short ?? firstSentence(g.meaning !== '' ? g.meaning : (g.messages[0] ?? g.cases[0]?.message ?? '')) });
  }
  return out.slice(0, at);
}
