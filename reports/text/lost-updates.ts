/** The session workload's lost updates, as the CLI summary and the run page write them. */

/** "213 of 1,253 answers (17%)": lost updates beside the answers they were counted on; "—" for other workloads. */
export function lostUpdatesText(lost: number | null | undefined, answers: number): string {
  if (lost === null || lost === undefined) return '—';
  const share = answers > 0 ? ` (${Math.round((lost / answers) * 100)}%)` : '';
  return `${lost.toLocaleString('en-US')} of ${answers.toLocaleString('en-US')} answers${share}`;
}
