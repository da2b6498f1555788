/**
 * A student's name on the class page: printable text of 1 to 40 characters (as a reader counts them: an emoji or an
 * accented letter is one), kept as text (pages show it with textContent; it is never a path). The bench checks it
 * before a run and the hub on every upload and answer, with this one rule, so that a name the bench accepts is never
 * refused by the hub after a whole run.
 *
 * Two names are the same name when they are the same after Unicode compatibility normalisation (NFKC) and case
 * folding: `Alice`, `alice` and `ａｌｉｃｅ` (full-width) are one student. A name's letters are of one script (or the
 * scripts one language writes together: Japanese mixes Han and kana), so that a look-alike (`аlice` with a Cyrillic
 * а, `alice` followed by an invisible Hangul filler) is refused rather than shown beside the real one.
 */
export const NAME_MAX = 40;

/** Combining marks on one character beyond this are a smear, not an accent (Vietnamese needs two). */
const MAX_MARKS = 3;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Scripts a name's letters may come from, each group one way of writing; a letter of none counts as "other". */
const SCRIPT_GROUPS: readonly (readonly [string, RegExp])[] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Japanese', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
];

function scriptOf(letter: string): string {
  return SCRIPT_GROUPS.find(([, test]) => test.test(letter))?.[0] ?? 'other';
}

/** How many characters a reader sees. */
export function characterCount(text: string): number {
  return [...graphemes.segment(text)].length;
}

/** Why a name cannot be used, or null when it can (after trimming). */
export function nameProblem(raw: string): string | null {
  const name = raw.trim();
  if (name === '') return 'missing';
  // Control and format characters (line breaks, bidirectional overrides, invisible joiners) would garble a terminal, a
  // CSV or a page, or hide a look-alike.
  if (/[\p{Cc}\p{Cf}\u2028\u2029\u3164\u115f\u1160\uffa0]/u.test(name)) return 'control or invisible characters are not allowed';
  if (characterCount(name) > NAME_MAX) return `longer than ${NAME_MAX} characters`;
  for (const { segment } of graphemes.segment(name)) {
    if ((segment.match(/\p{M}/gu) ?? []).length > MAX_MARKS) return `too many accents on one letter (at most ${MAX_MARKS})`;
  }
  const scripts = new Set((name.normalize('NFKC').match(/\p{L}/gu) ?? []).map(scriptOf));
  if (scripts.size > 1) return `letters of one script only (this name mixes ${[...scripts].sort().join(' and ')})`;
  return null;
}

/** The key two names are compared by: NFKC, case folded, trimmed. */
export function nameKey(raw: string): string {
  return raw.trim().normalize('NFKC').toLowerCase().normalize('NFKC');
}
