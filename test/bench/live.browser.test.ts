/**
 * The live page in a real Chromium during a short run: it follows the run (the running case as text, the
 * throughput chart drawn in the model's colour as the trial goes), then shows the finished case and the end;
 * no console error, and no request but the page and its /events. Screenshots go to test-output/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.js';
import { styleOf } from '../../reports/views/palette.js';
import { browserDescribe, canvasInk, launch, outputPath } from '../helpers/browser.js';

const describe = browserDescribe();
const BENCH = join(repoRoot, 'dist', 'scripts', 'bench.js');

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser.close();
});
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('the live page', () => {
  it('follows a short run: the running case as text, its chart drawn, then the finished case and the end', { timeout: 90_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-live-'));
    const args = ['--models', 'event-loop', '--workloads', 'hello', '--connections', '4', '--duration', '2', '--warmup', '0.3', '--trials', '2', '--max-trials', '2', '--budget', '1', '--live', '--out', out];
    const child = spawn(process.execPath, [BENCH, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const found = /^live: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stderr);
        if (found?.[1] !== undefined) resolve(found[1]);
      });
      child.once('exit', () => {
        reject(new Error(`the bench ended before its live line: ${stderr}`));
      });
    });

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });

    // During a trial's measured window: the case as text, and the throughput line drawn in the model's colour.
    await page.waitForFunction(() => /^Running: hello × 4 clients · event-loop · trial \d/.test(document.getElementById('live-case')?.textContent ?? '') && /req\/s/.test(document.getElementById('live-now')?.textContent ?? ''), undefined, { timeout: 45_000 });
    await page.waitForTimeout(700); // a few more samples on the chart
    const colour = styleOf('event-loop').color;
    const running = await canvasInk(page, colour);
    expect(running.find((c) => c.label.startsWith('Throughput over time'))?.coloured ?? 0).toBeGreaterThan(50);
    expect(running.find((c) => c.label.startsWith('Latency over time'))?.coloured ?? 0).toBeGreaterThan(50);
    expect(await page.textContent('#live-cell')).toBe('The running cell: hello × 4');
    await page.screenshot({ path: outputPath('live-running.png'), fullPage: true });

    // The end: the page says so, the finished case is in the table and on its chart.
    await page.waitForFunction(() => (document.getElementById('live-connection')?.textContent ?? '').startsWith('The run is over (complete)'), undefined, { timeout: 45_000 });
    expect(await exit).toBe(0);
    const rows = await page.$$eval('#live-cases tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.slice(0, 3)).toEqual(['hello × 4', 'event-loop', '2']);
    expect(rows[0]?.[3]).toMatch(/^[\d,.]+$/);
    const done = await canvasInk(page, colour);
    expect(done.find((c) => c.label.startsWith('Finished cases'))?.coloured ?? 0).toBeGreaterThan(50);
    await page.screenshot({ path: outputPath('live-done.png'), fullPage: true });

    expect(errors).toEqual([]);
    const origin = new URL(url).origin;
    expect(requests.every((r) => r.startsWith(`${origin}/`))).toBe(true);
    expect(new Set(requests.map((r) => new URL(r).pathname))).toEqual(new Set(['/', '/events']));
    await page.close();
  });
});
