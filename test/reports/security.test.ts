/**
 * The pages run only what they brought, in Debian's Chromium: the content security policy lets through the
 * inline scripts and style the renderer wrote (by hash), and nothing else, so a `javascript:` link, an inline
 * handler or an injected script does not run; and the index links only to ./<run-id>/ pages, whatever a
 * runs folder holds (fault 4: a folder named `javascript:alert(9)` was a link that ran script).
 * Each check has a control without the policy, to show that it would have caught the fault.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadAssets } from '../../reports/assets.js';
import { indexEntry } from '../../reports/views/index-view.js';
import { renderIndexPage, renderRunPage } from '../../reports/render.js';
import { refreshIndex } from '../../reports/write.js';
import { browserDescribe, launch, openWatched, outputPath, unfold, writePage } from '../helpers/browser.js';
import { fixturePath, loadFixture } from '../helpers/fixtures.js';
import { buildV2Results } from '../helpers/v2-fixture.js';

const describe = browserDescribe();

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser.close();
});

const withoutPolicy = (html: string): string => html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');

/** What an injection would try, done from outside the page; returns the policy violations the page saw. */
async function attack(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
    const app = document.getElementById('app') ?? document.body;
    const link = document.createElement('a');
    link.href = 'javascript:alert("link")';
    link.textContent = 'a javascript: link';
    app.prepend(link);
    link.click();
    const button = document.createElement('button');
    button.setAttribute('onclick', 'alert("handler")');
    app.prepend(button);
    button.click();
    const script = document.createElement('script');
    script.textContent = 'alert("script")';
    document.body.append(script);
    const styled = document.createElement('p');
    styled.setAttribute('style', 'color: rgb(255, 0, 0)');
    app.prepend(styled);
    // Violations are reported asynchronously; a javascript: navigation runs after a task.
    await new Promise((resolve) => setTimeout(resolve, 300));
    violations.push(`color ${getComputedStyle(styled).color}`);
    return violations;
  });
}

describe('the content security policy of a page', () => {
  const html = renderRunPage(buildV2Results(), loadAssets());

  it('runs the page (charts drawn, no console error) under the policy', async () => {
    const { page, consoleErrors } = await openWatched(browser, writePage('csp-run.html', html));
    expect(consoleErrors).toEqual([]);
    expect(await page.$$eval('canvas', (canvases) => canvases.length)).toBeGreaterThan(0);
    expect(await page.textContent('[data-section=glance]')).toMatch(/served [\d.]+× the requests of/);
    await unfold(page);
    expect(await page.$$eval('canvas[data-intervals]', (canvases) => canvases.length)).toBeGreaterThan(0); // the interval plugin ran
    await page.close();
  });

  it('blocks a javascript: link, an inline handler, an injected script and a style attribute', async () => {
    const { page, dialogs } = await openWatched(browser, writePage('csp-attack.html', html));
    const seen = await attack(page);
    expect(dialogs).toEqual([]);
    expect(seen).toContain('script-src-elem');
    expect(seen).toContain('script-src-attr');
    expect(seen).toContain('style-src-attr');
    expect(seen).toContain('color rgb(17, 17, 17)'); // the page's ink, not the injected red
    await page.close();
  });

  it('control: without the policy, the same attack runs (so the test above can fail)', async () => {
    const { page, dialogs } = await openWatched(browser, writePage('csp-control.html', withoutPolicy(html)));
    const seen = await attack(page);
    expect(dialogs.sort()).toEqual(['handler', 'link', 'script']);
    expect(seen).toEqual(['color rgb(255, 0, 0)']);
    await page.close();
  });
});

describe('links of the index', () => {
  it('are refused by the page unless relative (./ or ../), even without the policy', async () => {
    const a = loadFixture('run-a.json');
    const b = loadFixture('run-b.json');
    const entries = [indexEntry(b, './runs/b/report.html'), indexEntry(a, 'javascript:alert(9)'), { ...indexEntry(a, '/etc/passwd'), runId: 'absolute' }];
    const file = writePage('index-hostile.html', withoutPolicy(renderIndexPage(entries, loadAssets())));
    const { page, dialogs, consoleErrors } = await openWatched(browser, file);
    expect(consoleErrors).toEqual([]);
    expect(await page.$$eval('a', (links) => links.map((l) => l.getAttribute('href')))).toEqual(['./runs/b/report.html']);
    // The refused runs are still listed, as text.
    await page.getByText(a.runId, { exact: true }).click();
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
    expect(await page.textContent('table')).toContain('absolute');
    await page.close();
  });

  it('of a runs folder holding a folder named javascript:alert(9) go only to ./<run-id>/report.html, and work', async () => {
    const runs = join(mkdtempSync(join(tmpdir(), 'lab-index-')), 'custom-out');
    const a = loadFixture('run-a.json').runId;
    for (const folder of [a, 'javascript:alert(9)']) {
      mkdirSync(join(runs, folder), { recursive: true });
      copyFileSync(fixturePath('run-a.json'), join(runs, folder, 'results.json'));
    }
    const { path, skipped } = refreshIndex(runs);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toContain('javascript:alert(9)');
    const { page, dialogs, consoleErrors } = await openWatched(browser, path);
    await page.screenshot({ path: outputPath('index-custom-out.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(await page.$$eval('a', (links) => links.map((l) => l.getAttribute('href')))).toEqual([`./${a}/report.html`]);
    await page.click('a');
    await page.waitForURL(`file://${join(runs, a, 'report.html')}`);
    expect(await page.textContent('h1')).toContain('run of');
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
