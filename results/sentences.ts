/** The sentences a results file holds for people: its warnings, the reasons its trials were marked, what its probes found. */
import type { Results } from './schema.js';

export function sentenceTexts(results: Results): Set<string> {
  const texts = new Set<string>();
  for (const w of results.warnings) texts.add(w.message);
  for (const p of results.probes) for (const d of p.drift ?? []) texts.add(d);
  for (const c of results.cases) {
    for (const w of c.warnings) texts.add(w.message);
    for (const t of c.trials) for (const m of t.marked) texts.add(m);
  }
  return texts;
}
