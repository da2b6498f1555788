/**
 * The texts a results file holds for people (the models' lines and paragraphs, the workloads' descriptions, the
 * calibration's method, the warnings…) are said in the page's language by speaker(results.sentences)
 * (lib/lang/sentences.ts): from what the file says each was made of, or, in an older file, word for word against the
 * catalogue. A workload measured beside idle connections (`ws-echo+hold200`) has a number in its description: in an
 * older file it is read against what the catalogue makes of its name.
 */
import { isTextKey, t } from '../../lib/lang/lang.js';
import { speaker } from '../../lib/lang/sentences.js';
import type { Results } from '../../results/schema.js';
import { splitWorkloadKey } from '../../results/workload-key.js';

/** A workload's description (the `workloads` entry of the file), in the current language. */
export function workloadDescription(results: Pick<Results, 'sentences'>, workload: { readonly name: string; readonly description: string }): string {
  const said = speaker(results.sentences)(workload.description);
  if (said !== workload.description) return said;
  const { base, hold } = splitWorkloadKey(workload.name);
  const key = `workload.${base}.held`;
  // Only where the file's English is exactly what the catalogue makes of the name: a text of another version stays.
  if (hold > 0 && isTextKey(key) && t(key, { hold }, 'en') === workload.description) return t(key, { hold });
  return workload.description;
}
