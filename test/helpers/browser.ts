import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../../lib/paths.js';

/** Debian's Chromium, never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const OUTPUT_DIR = join(repoRoot, 'test-output');

export function outputPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return join(OUTPUT_DIR, name);
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export interface Watched {
  readonly page: Page;
  readonly consoleErrors: string[];
  readonly requests: string[];
  readonly dialogs: string[];
}

/** Opens a file:// page and records console errors, page errors, dialogs and every request but the page itself. */
export async function openWatched(browser: Browser, file: string): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  const url = `file://${file}`;
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('request', (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, consoleErrors, requests, dialogs };
}

/** For each canvas: how many pixels are drawn, and how many carry the given colour (±8 per channel). */
export function canvasInk(page: Page, hexColor: string): Promise<{ label: string; drawn: number; coloured: number }[]> {
  return page.evaluate((hex) => {
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return [...document.querySelectorAll('canvas')].map((canvas) => {
      const ctx = canvas.getContext('2d');
      if (ctx === null) return { label: canvas.getAttribute('aria-label') ?? '', drawn: 0, coloured: 0 };
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let drawn = 0;
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4) {
        if ((data[i + 3] ?? 0) > 0) drawn++;
        if (Math.abs((data[i] ?? 0) - (want[0] ?? 0)) <= 8 && Math.abs((data[i + 1] ?? 0) - (want[1] ?? 0)) <= 8 && Math.abs((data[i + 2] ?? 0) - (want[2] ?? 0)) <= 8 && (data[i + 3] ?? 0) > 200) coloured++;
      }
      return { label: canvas.getAttribute('aria-label') ?? '', drawn, coloured };
    });
  }, hexColor);
}
