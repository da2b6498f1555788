/**
 * The course's WebSocket page in a real Chromium: two tabs on /ws/ of `cluster --processes 2` chat with each other
 * whichever process holds them; the echo and the countdown answer on the page; the page shows its own code.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { browserDescribe, launch, outputPath } from '../helpers/browser.js';
import { serveWith, type ServedModel } from '../helpers/serve.js';
import { rawRequest } from '../helpers/http.js';

const describe = browserDescribe();

describe('the /ws/ page on cluster --processes 2', () => {
  let server: ServedModel;
  let browser: Browser;
  beforeAll(async () => {
    server = await serveWith(['cluster', '--processes', '2']);
    browser = await launch();
  });
  afterAll(async () => {
    await browser.close();
    await server.stop();
  });

  const logOf = (page: Page, id: string): Promise<string> => page.locator(`#${id}`).innerText();

  /** A tab that joins the room as `name`; returns it once its own join is in its log. Each tab is a new connection. */
  async function tab(name: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${server.url}/ws/`);
    await page.fill('#chat-room', 'class');
    await page.fill('#chat-name', name);
    await page.click('#chat-join');
    await expect.poll(() => logOf(page, 'chat-log'), { timeout: 10_000 }).toContain(`${name} joined`);
    return { page, errors };
  }

  it('two tabs see each other’s messages, from both processes', async () => {
    // Connections go to the processes in turn, and a tab opens two (the page, then its WebSocket): every tab's WebSocket
    // would land on the same process. A connection of another client between two tabs moves the turn on, as a
    // class's other traffic would.
    const pidOf = async (page: Page, name: string): Promise<string> => new RegExp(`${name} joined \\(process (\\d+)`).exec(await logOf(page, 'chat-log'))?.[1] ?? '';
    const tabs: { page: Page; errors: string[]; name: string; pid: string }[] = [];
    for (const name of ['ada', 'bea', 'cy', 'dee', 'eli']) {
      if (new Set(tabs.map((x) => x.pid)).size >= 2) break;
      if (tabs.length > 0) expect((await rawRequest(server.url, '/health')).status).toBe(200);
      const opened = await tab(name);
      tabs.push({ ...opened, name, pid: await pidOf(opened.page, name) });
    }
    const first = tabs[0];
    const last = tabs.find((x) => x.pid !== first?.pid);
    if (first === undefined || last === undefined) throw new Error(`every tab landed on one process: ${tabs.map((x) => x.pid).join(', ')}`);
    const lastName = last.name;
    await first.page.fill('#chat-text', 'bonjour de ada');
    await first.page.press('#chat-text', 'Enter');
    await expect.poll(() => logOf(last.page, 'chat-log'), { timeout: 5000 }).toContain('ada: bonjour de ada');
    await last.page.fill('#chat-text', `salut de ${lastName}`);
    await last.page.click('#chat-send');
    await expect.poll(() => logOf(first.page, 'chat-log'), { timeout: 5000 }).toContain(`${lastName}: salut de ${lastName}`);
    // The sender sees its own message too, in the room's order.
    expect(await logOf(first.page, 'chat-log')).toContain('ada: bonjour de ada');

    await first.page.fill('#echo-text', 'ab🙂');
    await first.page.click('#echo-send');
    await expect.poll(() => logOf(first.page, 'echo-log'), { timeout: 5000 }).toContain('← 🙂ba');
    await first.page.fill('#countdown-from', '1');
    await first.page.click('#countdown-start');
    await expect.poll(() => logOf(first.page, 'countdown-log'), { timeout: 5000 }).toContain('closed (1000 countdown done)');
    expect(await logOf(first.page, 'countdown-log')).toMatch(/← 1[\s\S]*← 0/);

    // The code beside the page is the page's own.
    expect(await first.page.locator('#code').innerText()).toContain("new WebSocket(`${scheme}://${location.host}${path}`)");
    await first.page.screenshot({ path: outputPath('ws-page.png'), fullPage: true });
    for (const t of tabs) expect(t.errors).toEqual([]);
  }, 60_000);
});
