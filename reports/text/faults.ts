/**
 * What a fault did to a case, in a sentence (the summary, the page, the CI outputs): "cluster (16 clients) lost 7
 * requests after the kill at 1 s and recovered in 0.07 s"; "event-loop (16 clients) lost 215,420 requests after the
 * kill at 1 s and did not recover: nothing restarts it".
 */
import type { CaseFault, CaseResult } from '../../results/schema.js';
import { currentLang, decimal, grouped, t, type TextKey } from '../../lib/lang/lang.js';
import { clientsText } from './conclusions.js';

/** "the kill at 1 s", "the 300 ms stall at 1 s": a fault as a sentence names it. */
export function faultName(f: Pick<CaseFault, 'kind' | 'atSeconds' | 'arg'>): string {
  const key: TextKey = `fault.kind.${f.kind}`;
  return t(key, { at: decimal(String(f.atSeconds)), arg: decimal(String(f.arg)) });
}

/** A recovery within the first 100 ms slice after the fault: no slice showed the fault in its throughput. */
const UNAFFECTED_SECONDS = 0.1 + 1e-9;

/** Seconds to two decimals at most: "0.07 s", "1.2 s". */
function secondsText(s: number): string {
  return `${decimal(String(Math.round(s * 100) / 100))}\u00a0s`;
}

/** "; one of them waited until the client gave up (its timeout)": '' when none did. */
export function timeoutsText(n: number): string {
  if (n === 0) return '';
  const one = currentLang() === 'fr' ? n < 2 : n === 1;
  return one ? t('fault.timeouts.one') : t('fault.timeouts.many', { n: grouped(n) });
}

/** A sentence a results file holds (why a fault could not be done), in the reader's language: speaker(results.sentences). */
type Say = (text: string) => string;
const asIs: Say = (text) => text;

export function faultSentence(c: Pick<CaseResult, 'model' | 'connections' | 'mode' | 'targetRate'>, f: CaseFault, say: Say = asIs): string {
  const where = c.mode === 'open' && c.targetRate !== undefined ? t('th.offered', { rate: decimal(String(c.targetRate)) }) : clientsText(c.connections);
  // French puts 0 and 1 in the singular, English only 1.
  const one = currentLang() === 'fr' ? f.lost < 2 : f.lost === 1;
  const lost = f.lost === 0 ? t('fault.lost.none') : t(one ? 'fault.lost.one' : 'fault.lost.many', { n: grouped(f.lost) });
  const base = { model: c.model, where, lost, fault: faultName(f) };
  const waited = f.serverGone ? '' : timeoutsText(f.timeouts ?? 0);
  const some = `${waited}${f.recovered > 0 && f.recovered < f.trials ? t('fault.some', { recovered: f.recovered, trials: f.trials }) : ''}`;
  if (f.trials === 0) return f.error === undefined ? t('fault.never', base) : t('fault.failed', { ...base, error: say(f.error) });
  // Back within the first slice after it: the throughput never measurably dropped.
  if (f.recoverySeconds !== null && f.recoverySeconds <= UNAFFECTED_SECONDS) return t('fault.kept', base) + some;
  if (f.recoverySeconds !== null) return t('fault.recovered', { ...base, seconds: secondsText(f.recoverySeconds) }) + some;
  // Every trial's window ended too soon after the fault to show whether it came back.
  if ((f.unseen ?? 0) >= f.trials) return t('fault.unseen', base);
  // A server gone for good answers nothing more: every request after the fault failed, however many were tried.
  if (f.serverGone && f.recovered === 0) return t('fault.lostAll', { ...base, lost: grouped(f.lost), why: t('fault.why.gone') });
  return t('fault.notRecovered', { ...base, why: f.serverGone ? t('fault.why.gone') : '' }) + some;
}

/** Every faulted case's sentences, in the order of the cases. */
export function faultSentences(cases: readonly CaseResult[], say: Say = asIs): string[] {
  return cases.flatMap((c) => (c.status === 'ok' ? (c.faults ?? []).map((f) => faultSentence(c, f, say)) : []));
}
