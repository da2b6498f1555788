/**
 * The language of what the lab writes: English or French (the course is taught in French). One catalogue of
 * texts per language (en.ts, fr.ts: the same keys, checked by the compiler and by a test), and numbers written
 * the language's way ("1,234.5" / "1 234,5"). Pure and browser-safe: a page script sets the language its data
 * was rendered in, so that its axes and tooltips agree with its tables.
 */
import { en, type TextKey } from './en.js';
import { fr } from './fr.js';

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

/** The catalogue's text for a key, its `{name}` placeholders filled in (numbers the language's way). */
export function t(key: TextKey, vars: Readonly<Record<string, string | number>> = {}): string {
  const text = CATALOGUES[current][key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** The placeholders of a text ("{n} clients" → ["n"]), for the test that both catalogues ask for the same ones. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
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
