/** The two catalogues and the number formats: every key in both, the same placeholders, French numbers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/paths.js';
import { catalogue, formatNumber, placeholdersOf, setLang, t, type TextKey } from '../lib/lang/lang.js';
import { langFromEnv } from '../lib/lang/env-lang.js';
import { formatRps, formatSpread, formatUs } from '../lib/format.js';
import { runPageEn } from '../lib/lang/en/run-page.js';
import { otherPagesEn } from '../lib/lang/en/other-pages.js';
import { textsEn } from '../lib/lang/en/texts.js';
import { terminalEn } from '../lib/lang/en/terminal.js';

afterEach(() => {
  setLang('en');
});

describe('the catalogues', () => {
  const en = catalogue('en');
  const fr = catalogue('fr');
  it('hold the same keys', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });
  it('take each key from one part only (a key in two parts would silently lose one text)', () => {
    const parts = [runPageEn, otherPagesEn, textsEn, terminalEn].map((p) => Object.keys(p));
    const all = parts.flat();
    expect(all.length).toBe(new Set(all).size);
    // The root's own keys, read from its source (after the spread, a root key would hide a part's text unseen).
    const root = [...readFileSync(join(repoRoot, 'lib', 'lang', 'en.ts'), 'utf8').matchAll(/^ {2}'([\w.-]+)':/gm)].map((m) => m[1] ?? '');
    expect(root.length).toBeGreaterThan(100);
    expect(root.filter((k) => all.includes(k))).toEqual([]);
  });
  it.each(Object.keys(en) as TextKey[])('%s: the same placeholders in both, and a French text', (key) => {
    expect(placeholdersOf(fr[key])).toEqual(placeholdersOf(en[key]));
    // An empty English text (a warning kind with no short line of its own) is empty in French too.
    expect(fr[key].trim() === '').toBe(en[key].trim() === '');
  });
  it('fill placeholders, numbers the language’s way', () => {
    setLang('fr');
    expect(t('class.title', { n: 1234 })).toMatch(/^La classe — 1[\s\u202f]234 machines$/);
    setLang('en');
    expect(t('class.title', { n: 1234 })).toBe('The class — 1,234 machines');
  });
});

describe('numbers in French', () => {
  it('group thousands with a space and take a decimal comma', () => {
    setLang('fr');
    expect(formatNumber(1234.5)).toMatch(/^1[\s\u202f]234,5$/);
    expect(formatRps(17_376.2)).toMatch(/^17[\s\u202f]376$/);
    expect(formatRps(79.44)).toBe('79,4');
    expect(formatUs(2345)).toBe('2,35 ms');
    expect(formatSpread(0.004)).toBe('±0,4\u00a0%');
    setLang('en');
    expect(formatRps(17_376.2)).toBe('17,376');
    expect(formatUs(2345)).toBe('2.35 ms');
    expect(formatSpread(0.06)).toBe('±6%');
  });
  it('the language comes from LANG when not given', () => {
    expect(langFromEnv({ LANG: 'fr_FR.UTF-8' })).toBe('fr');
    expect(langFromEnv({ LANG: 'fr' })).toBe('fr');
    expect(langFromEnv({ LANG: 'en_US.UTF-8' })).toBe('en');
    expect(langFromEnv({ LANG: 'C', LC_ALL: 'fr_CA.UTF-8' })).toBe('fr');
    expect(langFromEnv({ LC_ALL: '', LANG: 'fr_FR.UTF-8' })).toBe('fr'); // an empty variable is an unset one
    expect(langFromEnv({})).toBe('en');
  });
});
