import { accessSync, constants, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { repoRoot } from '../../lib/paths.js';

/** What the search may look at, as values and functions, so that a test can hand it a made-up machine. */
export interface BrowserSearchHost {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly home: string;
  /** An existing file that this user may execute (a symlink counts by its target). */
  readonly isExecutable: (path: string) => boolean;
  /** The names in a folder; none when it cannot be read. */
  readonly list: (dir: string) => readonly string[];
}

export type BrowserSearch = { readonly kind: 'found'; readonly path: string } | { readonly kind: 'missing'; readonly reason: string };

export const NO_CHROMIUM = "no Chromium found (install Debian's chromium, or set CHROMIUM_PATH=/path/to/chrome)";
/** The names a Chrome or Chromium goes by on the PATH, in the order tried. */
export const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'] as const;
export const MACOS_APPS = ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'] as const;
/** Where the executable sits inside Playwright's chromium-<revision>/ folder: today's layouts, then the older one. */
const PLAYWRIGHT_LAYOUTS: Partial<Record<NodeJS.Platform, readonly (readonly string[])[]>> = {
  linux: [['chrome-linux64', 'chrome'], ['chrome-linux-arm64', 'chrome'], ['chrome-linux', 'chrome']],
  darwin: [
    ['chrome-mac-arm64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
    ['chrome-mac-x64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
    ['chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'],
  ],
};

/** A variable's value, with an empty one counted as unset (as `VAR= command` means in a shell). */
function valueOf(env: BrowserSearchHost['env'], name: string): string | undefined {
  const value = env[name];
  return value === '' ? undefined : value;
}

/** Playwright's download folder, as Playwright itself computes it. */
function playwrightCache(host: BrowserSearchHost): string | undefined {
  const set = valueOf(host.env, 'PLAYWRIGHT_BROWSERS_PATH');
  if (set !== undefined) return set;
  if (host.platform === 'linux') return join(valueOf(host.env, 'XDG_CACHE_HOME') ?? join(host.home, '.cache'), 'ms-playwright');
  if (host.platform === 'darwin') return join(host.home, 'Library', 'Caches', 'ms-playwright');
  return undefined;
}

/**
 * Finds a Chrome or Chromium the way a user has one: CHROMIUM_PATH, then the PATH, then the usual macOS
 * applications, then a Chromium that Playwright has already downloaded (newest revision first). Never downloads.
 * A CHROMIUM_PATH that is set but wrong is reported rather than passed over: the user asked for that browser.
 */
export function findChromium(host: BrowserSearchHost): BrowserSearch {
  const chosen = valueOf(host.env, 'CHROMIUM_PATH');
  if (chosen !== undefined) {
    return host.isExecutable(chosen) ? { kind: 'found', path: chosen } : { kind: 'missing', reason: `CHROMIUM_PATH=${chosen} is not an executable file (point it at Chrome or Chromium, or unset it)` };
  }
  const dirs = (host.env.PATH ?? '').split(host.platform === 'win32' ? ';' : ':').filter((dir) => dir !== '');
  const candidates = PATH_NAMES.flatMap((name) => dirs.map((dir) => join(dir, name)));
  if (host.platform === 'darwin') candidates.push(...MACOS_APPS);
  const cache = playwrightCache(host);
  if (cache !== undefined) {
    const revisions = host
      .list(cache)
      .map((name) => /^chromium-(\d+)$/.exec(name))
      .filter((match) => match !== null)
      .map((match) => ({ name: match[0], revision: Number(match[1]) }))
      .sort((a, b) => b.revision - a.revision);
    for (const { name } of revisions) for (const layout of PLAYWRIGHT_LAYOUTS[host.platform] ?? []) candidates.push(join(cache, name, ...layout));
  }
  const path = candidates.find((candidate) => host.isExecutable(candidate));
  return path === undefined ? { kind: 'missing', reason: NO_CHROMIUM } : { kind: 'found', path };
}

/** What the browser suites do on this machine: run, be skipped with one line, or fail because CI requires them. */
export type BrowserGate = { readonly kind: 'run'; readonly path: string } | { readonly kind: 'skip'; readonly line: string } | { readonly kind: 'fail'; readonly message: string };

export function browserGate(search: BrowserSearch, env: Readonly<Record<string, string | undefined>>): BrowserGate {
  if (search.kind === 'found') return { kind: 'run', path: search.path };
  if (env.LAB_REQUIRE_BROWSER === '1') return { kind: 'fail', message: `browser tests required (LAB_REQUIRE_BROWSER=1) but cannot run: ${search.reason}` };
  return { kind: 'skip', line: `browser tests skipped: ${search.reason}` };
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export const systemHost: BrowserSearchHost = { env: process.env, platform: process.platform, home: homedir(), isExecutable, list };
/** This machine's browser, searched once per test file. */
export const BROWSER = findChromium(systemHost);

/**
 * The describe for suites that need the browser. Without one it is describe.skip, and one line on stderr
 * (which vitest's default reporter shows) says how to get one; with LAB_REQUIRE_BROWSER=1 (CI) it throws instead,
 * so that a CI without a browser fails rather than passes with nothing tested.
 */
export function browserDescribe(gate: BrowserGate = browserGate(BROWSER, process.env)): typeof describe.skip {
  if (gate.kind === 'run') return describe;
  if (gate.kind === 'fail') throw new Error(gate.message);
  console.warn(gate.line);
  return describe.skip;
}

export const OUTPUT_DIR = join(repoRoot, 'test-output');

export function outputPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return join(OUTPUT_DIR, name);
}

export function launch(): Promise<Browser> {
  if (BROWSER.kind === 'missing') return Promise.reject(new Error(BROWSER.reason));
  return chromium.launch({
    executablePath: BROWSER.path,
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

/**
 * Opens every folded section (and every <details>) of a page, as a reader who clicks each one, and waits until
 * every chart it holds is drawn.
 */
export async function unfold(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
  await page.waitForFunction(() => {
    const chart = (window as unknown as { Chart?: { getChart(c: HTMLCanvasElement): unknown } }).Chart;
    return chart === undefined || [...document.querySelectorAll('canvas')].every((c) => chart.getChart(c) !== undefined);
  });
}

/** A page's height, in screens of the viewport (everything folded as it opens). */
export function screensTall(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollHeight / window.innerHeight);
}

export interface DrawnChart {
  readonly label: string;
  readonly drawn: boolean;
  /** Points (or bars) of its data that chart.js placed in the plot (theory's lines and knees aside). */
  readonly points: number;
  /** Of those, how many show on the canvas, at their place, their own colour or that of a point drawn over them. */
  readonly inked: number;
  readonly missing: readonly string[];
  /** Datasets none of whose points shows. */
  readonly unseenDatasets: readonly string[];
}

/**
 * For each canvas: whether a chart is on it, and whether its data shows where chart.js put it: at every point of every
 * measured dataset, the canvas must carry that dataset's colour (or the colour of another dataset's point at the same
 * place, drawn over it). Axes and grid alone ink no point: a chart drawn without its data fails this.
 */
export function chartsDrawn(page: Page, shownOnly = false): Promise<DrawnChart[]> {
  return page.evaluate((onlyShown) => {
    interface Placed {
      readonly x: number;
      readonly y: number;
      readonly base?: number;
      readonly skip?: boolean;
    }
    interface ChartLike {
      readonly config: { readonly type: string };
      readonly data: { readonly datasets: readonly { readonly label?: string; readonly borderColor?: unknown; readonly backgroundColor?: unknown; readonly pointBackgroundColor?: unknown; readonly pointRadius?: unknown }[] };
      getDatasetMeta(i: number): { readonly data: readonly Placed[]; readonly hidden: boolean | null };
    }
    const lib = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): ChartLike | undefined } }).Chart;
    const rgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    // Folded away (inside a closed <details>): not on the page a reader sees, and not drawn until opened.
    const hidden = (canvas: HTMLCanvasElement): boolean => {
      for (let d = canvas.closest('details'); d !== null; d = d.parentElement?.closest('details') ?? null) if (!d.open) return true;
      return false;
    };
    return [...document.querySelectorAll('canvas')].filter((canvas) => !onlyShown || !hidden(canvas)).map((canvas) => {
      const label = canvas.getAttribute('aria-label') ?? '';
      const chart = lib.getChart(canvas);
      const ctx = canvas.getContext('2d');
      if (chart === undefined || ctx === null) return { label, drawn: false, points: 0, inked: 0, missing: [], unseenDatasets: [] };
      const ratio = window.devicePixelRatio;
      // Theory's lines (no points) and its knees (hollow markers) are drawings over the data, not data.
      const points = chart.data.datasets.flatMap((ds, i) => {
        const meta = chart.getDatasetMeta(i);
        if (meta.hidden === true || ds.pointRadius === 0 || / · (theory|knee)$/.test(ds.label ?? '')) return [];
        // A point's fill: per point where the chart gives one (the probes' red drops, the bars' models), else the line's.
        const fill = ds.pointBackgroundColor ?? (Array.isArray(ds.backgroundColor) ? ds.backgroundColor : undefined) ?? ds.borderColor ?? ds.backgroundColor;
        const colours = (Array.isArray(fill) ? fill : [fill]).filter((c): c is string => typeof c === 'string' && /^#[0-9a-f]{6}/i.test(c));
        const radius = (k: number): number => {
          const r: unknown = Array.isArray(ds.pointRadius) ? ds.pointRadius[k] : ds.pointRadius;
          return typeof r === 'number' ? Math.max(2, r) : 3;
        };
        return meta.data
          .filter((e) => e.skip !== true && Number.isFinite(e.x) && Number.isFinite(e.y))
          .map((e, k) => ({ label: ds.label ?? '', x: e.x, y: chart.config.type === 'bar' && e.base !== undefined ? (e.y + e.base) / 2 : e.y, r: radius(k), colour: rgb(colours[k % Math.max(1, colours.length)] ?? '#000000') }));
      });
      const missing: string[] = [];
      const seenLabels = new Set<string>();
      for (const p of points) {
        // Within the point's own disc: its colour, or that of a point whose disc overlaps it (drawn over it).
        const here = points.filter((q) => Math.hypot(q.x - p.x, q.y - p.y) <= p.r + q.r).map((q) => q.colour);
        const side = Math.max(1, Math.round((2 * p.r + 1) * ratio));
        const box = ctx.getImageData(Math.round((p.x - p.r) * ratio), Math.round((p.y - p.r) * ratio), side, side).data;
        let seen = false;
        for (let k = 0; k < box.length && !seen; k += 4) {
          if ((box[k + 3] ?? 0) > 200 && here.some((want) => [0, 1, 2].every((c) => Math.abs((box[k + c] ?? 0) - (want[c] ?? 0)) <= 12))) seen = true;
        }
        if (!seen) missing.push(`${p.label} at (${Math.round(p.x)}, ${Math.round(p.y)})`);
        else seenLabels.add(p.label);
      }
      const unseenDatasets = [...new Set(points.map((p) => p.label))].filter((l) => !seenLabels.has(l));
      return { label, drawn: true, points: points.length, inked: points.length - missing.length, missing, unseenDatasets };
    });
  }, shownOnly);
}

/**
 * Every chart a reader sees (all of them once unfolded) is drawn with its data: every dataset shows its colour at one
 * of its points at least, and most points show (the lines of other models may cross a few of them).
 */
export async function expectChartsDrawn(page: Page, count?: number, shownOnly = false): Promise<void> {
  const charts = await chartsDrawn(page, shownOnly);
  if (count !== undefined) expect(charts.length).toBe(count);
  expect(charts.length).toBeGreaterThan(0);
  for (const chart of charts) {
    expect(chart.drawn, chart.label).toBe(true);
    expect(chart.points, `${chart.label}: points of data`).toBeGreaterThan(0);
    expect(chart.unseenDatasets, `${chart.label}: datasets with no point inked`).toEqual([]);
    expect(chart.inked, `${chart.label}: points inked (missing: ${chart.missing.slice(0, 5).join('; ')})`).toBeGreaterThanOrEqual(chart.points / 2);
  }
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

/** Writes a page into test-output/ (kept for a look after the run) and returns its path. */
export function writePage(name: string, html: string): string {
  const path = outputPath(name);
  writeFileSync(path, html);
  return path;
}
