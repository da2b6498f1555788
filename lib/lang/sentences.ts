/**
 * Sentences as data. The bench writes its warnings and the reasons a trial was marked in English (a results file reads
 * the same wherever it was made), each made from a key of the catalogues and what fills it; it keeps, beside them, the
 * key and the values of each (`results.sentences`), so that a page says them in its own language. A file from before
 * it did shows its sentences as they are.
 */
import { catalogue, isTextKey, placeholdersOf, saying, t, type Said, type TextKey } from './lang.js';

/** Every sentence this process made, by its English text (a run makes a few hundred distinct ones at most). */
const made = new Map<string, Said>();
const MAX_MADE = 10_000;

/** The English sentence of a key filled with `args`, remembered with them. */
export function sentence(key: TextKey, args: Readonly<Record<string, string | number>> = {}): string {
  const { text, said } = saying(key, args);
  if (made.size < MAX_MADE) made.set(text, said);
  return text;
}

/**
 * What this process knows of the given texts: the key and values each was made from, and of the sentences a value
 * is ("trials that failed: 1 of 3 ({reason})", the reason a sentence of its own), so that a page says both.
 */
export function sentencesOf(texts: Iterable<string>): Record<string, Said> {
  const out: Record<string, Said> = {};
  const add = (text: string, depth: number): void => {
    const s = made.get(text);
    if (s === undefined || depth > MAX_DEPTH) return;
    out[text] = s;
    for (const value of Object.values(s.args ?? {})) if (typeof value === 'string') add(value, depth + 1);
  };
  for (const text of texts) add(text, 0);
  return out;
}

/** Sentences within sentences, a few deep at most (a reason in a reason in a warning). */
const MAX_DEPTH = 4;

/**
 * English texts without placeholders, by their text: a file from before sentences were kept (a model's paragraph,
 * a workload's description) still reads in the page's language when its text is one of the catalogue's.
 */
let plain: Map<string, TextKey> | undefined;
function plainKey(text: string): TextKey | undefined {
  if (plain === undefined) {
    plain = new Map();
    for (const [key, english] of Object.entries(catalogue('en'))) {
      if (isTextKey(key) && placeholdersOf(english).length === 0 && english.length > 0) plain.set(english, key);
    }
  }
  return plain.get(text);
}

/**
 * A sentence of a file in the page's language: from what the file says of it, else from this process's own, else
 * the catalogue's text it is word for word; else as it was written.
 */
export function speaker(known: Readonly<Record<string, Said>> | undefined): (text: string) => string {
  const say = (text: string, depth: number): string => {
    const s = known?.[text] ?? made.get(text);
    if (s !== undefined && isTextKey(s.key)) {
      // A value that is a sentence itself (a reason) is said in the page's language too.
      const args = depth >= MAX_DEPTH ? (s.args ?? {}) : Object.fromEntries(Object.entries(s.args ?? {}).map(([name, value]) => [name, typeof value === 'string' ? say(value, depth + 1) : value]));
      return t(s.key, args);
    }
    const key = plainKey(text);
    return key === undefined ? text : t(key);
  };
  return (text) => say(text, 0);
}
