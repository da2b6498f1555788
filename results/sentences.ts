/**
 * The sentences a results file holds for people: its warnings, the reasons its trials were marked, what its probes
 * found, why a case failed, and the texts that describe the run (the models' lines and paragraphs, the workloads'
 * descriptions, the calibration's method).
 */
import type { Results } from './schema.js';

export function sentenceTexts(results: Results): Set<string> {
  const texts = new Set<string>();
  for (const m of results.models) {
    texts.add(m.summary);
    texts.add(m.paragraph);
  }
  for (const w of results.workloads) texts.add(w.description);
  texts.add(results.calibration.method);
  for (const w of results.warnings) texts.add(w.message);
  for (const p of results.probes) for (const d of p.drift ?? []) texts.add(d);
  if (results.options.cpus?.note !== undefined) texts.add(results.options.cpus.note);
  for (const c of results.cases) {
    if (c.status === 'failed') texts.add(c.error);
    for (const w of c.warnings) texts.add(w.message);
    for (const t of c.trials) {
      for (const m of t.marked) texts.add(m);
      if (t.status === 'failed') texts.add(t.error);
    }
  }
  return texts;
}
