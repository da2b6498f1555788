/**
 * A workload's timeline as a reader uses it, on a real faulted run (test/fixtures/fault-run.json): the median trial
 * of the first case is drawn first with its window shaded and its fault marked; picking another case or trial draws
 * that one; the faults' sentences are on the page, in English and in French.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setLang, type Lang } from '../../lib/lang/lang.js';
import { loadAssets } from '../../reports/assets.js';
import { renderRunPage } from '../../reports/render.js';
import { browserDescribe, launch } from '../helpers/browser.js';
import { loadFixture } from '../helpers/fixtures.js';

const describe = browserDescribe();

function html(lang: Lang): string {
  setLang(lang);
  try {
    return renderRunPage(loadFixture('fault-run.json'), loadAssets());
  } finally {
    setLang('en');
  }
}

async function opened(browser: Browser, lang: Lang): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setContent(html(lang), { waitUntil: 'load' });
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
  await page.waitForTimeout(200);
  expect(errors).toEqual([]);
  return page;
}

const canvasData = (page: Page): Promise<Record<string, string>> => page.locator('.timeline canvas').first().evaluate((c) => Object.fromEntries(Object.entries((c as HTMLCanvasElement).dataset).map(([k, v]) => [k, v ?? ''])));

describe('the timeline of a trial', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('draws the median trial of the first case, window shaded and fault marked; another pick draws another trial', async () => {
    const page = await opened(browser, 'en');
    try {
      const box = page.locator('.timeline').first();
      await expect(box.locator('h3').textContent()).resolves.toBe('Timeline of a trial');
      const cases = await box.locator('select[data-pick=case] option').allTextContents();
      expect(cases).toEqual(['cluster · 16 clients', 'event-loop · 16 clients']);
      const trials = await box.locator('select[data-pick=trial] option').allTextContents();
      expect(trials[0]).toMatch(/^trial #\d, the median trial \([\d,]+ requests\/s\)$/);
      expect(trials.length).toBeGreaterThan(1);
      const first = await canvasData(page);
      expect(first.case).toBe('cluster · 16 clients');
      expect(first.window).toMatch(/^[\d.]+-[\d.]+$/);
      expect(first.faults).toBe('1');
      await box.locator('select[data-pick=case]').selectOption('1');
      await box.locator('select[data-pick=trial]').selectOption('1');
      const other = await canvasData(page);
      expect(other.case).toBe('event-loop · 16 clients');
      expect(other.trial).not.toBe(first.trial);
      const faults = await box.locator('.faults li').allTextContents();
      expect(faults).toHaveLength(2);
      expect(faults[1]).toMatch(/^event-loop \(16 clients\) lost every request after the kill at 1 s \([\d,]+ attempts failed\) and did not recover: nothing restarts it$/);
    } finally {
      await page.close();
    }
  });

  it('speaks French on a French page', async () => {
    const page = await opened(browser, 'fr');
    try {
      const box = page.locator('.timeline').first();
      await expect(box.locator('h3').textContent()).resolves.toBe('Chronologie d’un essai');
      const trials = await box.locator('select[data-pick=trial] option').allTextContents();
      expect(trials[0]).toMatch(/^essai n° \d, l’essai médian/);
      const faults = await box.locator('.faults li').allTextContents();
      expect(faults[1]).toMatch(/^event-loop \(16 clients\) a perdu toutes les requêtes après le kill à 1 s/);
    } finally {
      await page.close();
    }
  });
});
