/**
 * The language of what the lab writes: English or French (the course is taught in French). One catalogue of
 * texts per language (en.ts, fr.ts: the same keys, checked by the compiler and by a test), and numbers written
 * the language's way ("1,234.5" / "1 234,5"). Pure and browser-safe: a page script sets the language its data
 * was rendered in, so that its axes and tooltips agree with its tables.
 */
import { en, type TextKey } from './en.js';
import { fr } from './fr.js';
import { formatUs } from '../format.js';

export const LANGS = ['en', 'fr'] as const;
export type Lang = (typeof LANGS)[number];
export type { TextKey };

const CATALOGUES: Readonly<Record<Lang, Readonly<Record<TextKey, string>>>> = { en, fr };

/**
 * One language per process: a bench, a report or a hub renders in one language, and a page in the language of
 * its data. Set once at start (setLang), read by every formatter and text.
 */
let current: Lang = 'en';

export function setLang(lang: Lang): void {
  current = lang;
}

export function currentLang(): Lang {
  return current;
}

export function isLang(value: string): value is Lang {
  return (LANGS as readonly string[]).includes(value);
}

/**
 * The catalogue's text for a key, its `{name}` placeholders filled in: numbers the language's way, and typed ones
 * formatted: `{x:us}` a latency in microseconds ("21.4 ms"), `{x:pct}` a percentage given as a number ("75%",
 * "75 %"), `{x:f1}`/`{x:f2}` one or two decimals, `{x:int}` a whole number. `lang`: another language than the
 * process's, for one text (results keep their sentences in English whatever the bench speaks).
 */
export function t(key: TextKey, vars: Readonly<Record<string, string | number>> = {}, lang: Lang = current): string {
  const saved = current;
  current = lang;
  try {
    return fill(CATALOGUES[lang][key], vars);
  } finally {
    current = saved;
  }
}

function fill(text: string, vars: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)(?::(\w+))?\}/g, (whole, name: string, kind: string | undefined) => {
    const value = vars[name];
    if (value === undefined) return whole;
    if (typeof value !== 'number') return value;
    switch (kind) {
      case 'us':
        return formatUs(value);
      case 'pct':
        return `${formatNumber(value, 0)}${current === 'fr' ? '\u00a0%' : '%'}`;
      case 'f1':
        return decimal(value.toFixed(1));
      case 'f2':
        return decimal(value.toFixed(2));
      case 'int':
        return grouped(value);
      default:
        return formatNumber(value);
    }
  });
}

/**
 * A sentence as data: its key in the catalogues and what fills it. Results keep one beside each sentence they hold
 * (warnings, the reasons a trial was marked), so that a page says it in its own language; a file from before they
 * did shows its English sentence as it is.
 */
export interface Said {
  readonly key: string;
  readonly args?: Readonly<Record<string, string | number>>;
}

export function isTextKey(key: string): key is TextKey {
  return Object.hasOwn(CATALOGUES.en, key);
}

/** A sentence and its data, for results: English text (what the file reads), and the key a page translates. */
export function saying(key: TextKey, args: Readonly<Record<string, string | number>> = {}): { readonly text: string; readonly said: Said } {
  return { text: t(key, args, 'en'), said: Object.keys(args).length === 0 ? { key } : { key, args } };
}

/** What a page shows of a sentence a file holds: the key's text in the page's language, or the text as it was. */
export function said(text: string, data: Said | undefined): string {
  return data !== undefined && isTextKey(data.key) ? t(data.key, data.args ?? {}) : text;
}

/** The placeholders of a text ("{n} clients" → ["n"]), for the test that both catalogues ask for the same ones. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{(\w+)(?::\w+)?\}/g)].map((m) => m[1] ?? '').sort();
}

export function catalogue(lang: Lang): Readonly<Record<TextKey, string>> {
  return CATALOGUES[lang];
}

const LOCALES: Readonly<Record<Lang, string>> = { en: 'en-US', fr: 'fr-FR' };

/** "1,234.5" / "1 234,5": grouping and decimal separator of the language; at most `digits` decimals. */
export function formatNumber(value: number, digits = 2): string {
  return value.toLocaleString(LOCALES[current], { maximumFractionDigits: digits });
}

/**
 * A number already written with a point as decimal separator ("2.35", "1.00") in the current language: French
 * writes "2,35". The lab's formatters keep their precision rules (toPrecision, toFixed) and pass through here.
 */
export function decimal(text: string): string {
  return current === 'fr' ? text.replace('.', ',') : text;
}

/** A whole number with the language's grouping: "17,376" / "17 376". */
export function grouped(value: number): string {
  return Math.round(value).toLocaleString(LOCALES[current]);
}
