/** The session workload's lost updates, as the CLI summary and the run page write them. */
import { t } from '../../lib/lang/lang.js';

/** "213 of 1,253 answers (17%)": lost updates beside the answers they were counted on; "—" for other workloads. */
export function lostUpdatesText(lost: number | null | undefined, answers: number): string {
  if (lost === null || lost === undefined) return '—';
  return answers > 0 ? t('tx.lostShare', { lost, answers, share: Math.round((lost / answers) * 100) }) : t('tx.lost', { lost, answers });
}
