/**
 * A student's name on the class page: printable text of 1 to 40 characters (as a reader counts them: an emoji or an
 * accented letter is one), kept as text (pages show it with textContent; it is never a path). The bench checks it
 * before a run and the hub on every upload and answer, with this one rule, so that a name the bench accepts is never
 * refused by the hub after a whole run.
 *
 * Two names are the same name when they are the same after Unicode compatibility normalisation (NFKC) and case
 * folding: `Alice`, `alice` and `ａｌｉｃｅ` (full-width) are one student. A name's letters are of one script (or the
 * scripts one language writes together: Japanese mixes Han and kana), so that a look-alike (`аlice` with a Cyrillic
 * а, `alice` followed by an invisible Hangul filler) is refused rather than shown beside the real one. Invisible
 * characters (Unicode's default-ignorable ones: variation selectors, joiners, fillers) are refused except where an
 * emoji sequence needs them, and names are compared by a skeleton that reads letters which look alike as one
 * (`аӏісе` in Cyrillic, `ɑlice`, `ᴀʟɪᴄᴇ` are `alice`), after UTS #39's idea, on the letters a class would meet.
 */
import { t } from './lang/lang.js';

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

/** The invisible characters an emoji sequence is made with: a joiner, the emoji presentation selector, tags (flags). */
const EMOJI_GLUE = /\u200d|\ufe0f|[\u{e0020}-\u{e007f}]/gu;
/** Blank-looking characters that are not spaces to Unicode (the braille blank, the Hangul fillers). */
const BLANKS = /[\u2800\u3164\u115f\u1160\uffa0]/u;

/** What nameProblem says of an empty name (the caller says how to give one). */
export const MISSING = 'missing';

/** Why a name cannot be used, in the process's language, or null when it can (after trimming). */
export function nameProblem(raw: string): string | null {
  const name = raw.trim();
  if (name === '') return MISSING;
  // Control and format characters (line breaks, bidirectional overrides, invisible joiners) would garble a terminal, a
  // CSV or a page, or hide a look-alike.
  if (/[\p{Cc}\u2028\u2029]/u.test(name) || BLANKS.test(name)) return t('name.invisible');
  if (characterCount(name) > NAME_MAX) return t('name.long', { max: NAME_MAX });
  for (const { segment } of graphemes.segment(name)) {
    // An emoji may hold its glue (👨‍👩‍👧, 🏴 with tags); anywhere else an invisible character only hides something.
    const seen = /^\p{Extended_Pictographic}|\u20e3$/u.test(segment) ? segment.replace(EMOJI_GLUE, '') : segment;
    if (/[\p{Cf}\p{Default_Ignorable_Code_Point}]/u.test(seen)) return t('name.invisible');
    const marks = (segment.match(/\p{M}/gu) ?? []).length;
    // A mark belongs on a letter or a digit (a keycap 1️⃣ is a digit and a mark); on a space or alone it is a smear.
    if (marks > 0 && !/^[\p{L}\p{N}\p{Extended_Pictographic}]/u.test(segment)) return t('name.accentAlone');
    if (marks > MAX_MARKS) return t('name.accents', { max: MAX_MARKS });
  }
  const scripts = new Set((name.normalize('NFKC').match(/\p{L}/gu) ?? []).map(scriptOf));
  if (scripts.size > 1) return t('name.scripts', { scripts: [...scripts].sort().join(' + ') });
  return null;
}

/**
 * Letters that a reader takes for a Latin one, lower case (the key is case folded first): Cyrillic and Greek
 * look-alikes, Latin's own IPA and small capitals, and the digits read as letters. A short list of what a class
 * meets, not all of Unicode's confusables.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', һ: 'h', і: 'i', ї: 'i', ј: 'j', к: 'k', ӏ: 'l', м: 'm', н: 'h', о: 'o', п: 'n', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ѵ: 'v', ү: 'y',
  // Greek
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  // Latin IPA letters and small capitals
  ɑ: 'a', ɐ: 'a', ɓ: 'b', ɕ: 'c', ɗ: 'd', ɛ: 'e', ɡ: 'g', ɢ: 'g', ɦ: 'h', ʜ: 'h', ı: 'i', ɩ: 'i', ɪ: 'i', ȷ: 'j', ᴊ: 'j', ᴋ: 'k', ʟ: 'l', ℓ: 'l', ǀ: 'l', ᴍ: 'm', ɴ: 'n', ᴏ: 'o', ɵ: 'o', ᴘ: 'p', ʀ: 'r', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y', ᴢ: 'z', ᴀ: 'a', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ꜰ: 'f',
  // Digits read as letters
  '0': 'o', '1': 'l', '5': 's',
};

/**
 * The key two names are compared by: NFKC, case folded, trimmed, invisible characters dropped, and each letter that
 * looks like a Latin one read as it (a skeleton): two names with one key are one student.
 */
export function nameKey(raw: string): string {
  const folded = raw.trim().normalize('NFKC').toLowerCase().normalize('NFKC').replace(/\p{Default_Ignorable_Code_Point}/gu, '');
  return folded.replace(/./gsu, (c) => LOOK_ALIKES[c] ?? c);
}
