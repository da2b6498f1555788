/**
 * The search for a browser on a made-up machine: which executable wins, in which order, and what a user reads
 * when there is none. Pure: the machine is a set of executable paths and folder listings.
 */
import { describe, expect, it } from 'vitest';
import { browserGate, findChromium, NO_CHROMIUM, type BrowserSearchHost } from '../helpers/browser.js';

interface Machine {
  readonly env?: Record<string, string | undefined>;
  readonly platform?: NodeJS.Platform;
  readonly executables?: readonly string[];
  readonly folders?: Readonly<Record<string, readonly string[]>>;
}

/** A machine with exactly these executables and folders; every path the search asks about is recorded. */
function machine({ env = {}, platform = 'linux', executables = [], folders = {} }: Machine): BrowserSearchHost & { readonly asked: string[] } {
  const asked: string[] = [];
  return {
    env,
    platform,
    home: '/home/ada',
    asked,
    isExecutable: (path) => {
      asked.push(path);
      return executables.includes(path);
    },
    list: (dir) => folders[dir] ?? [],
  };
}

const PATH = '/usr/local/bin:/usr/bin:/bin';

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, before anything on the PATH', () => {
    const host = machine({ env: { CHROMIUM_PATH: '/opt/chrome/chrome', PATH }, executables: ['/opt/chrome/chrome', '/usr/bin/chromium'] });
    expect(findChromium(host)).toEqual({ kind: 'found', path: '/opt/chrome/chrome' });
    expect(host.asked).toEqual(['/opt/chrome/chrome']);
  });

  it('says so when CHROMIUM_PATH is set but not an executable file, and does not look elsewhere', () => {
    const host = machine({ env: { CHROMIUM_PATH: '/nonexistent', PATH }, executables: ['/usr/bin/chromium'] });
    expect(findChromium(host)).toEqual({
      kind: 'missing',
      reason: 'CHROMIUM_PATH=/nonexistent is not an executable file (point it at Chrome or Chromium, or unset it)',
    });
  });

  it('counts an empty CHROMIUM_PATH as unset', () => {
    expect(findChromium(machine({ env: { CHROMIUM_PATH: '', PATH }, executables: ['/usr/bin/chromium'] }))).toEqual({ kind: 'found', path: '/usr/bin/chromium' });
  });

  it('tries chromium, chromium-browser, google-chrome, google-chrome-stable in that order, each through the whole PATH', () => {
    const host = machine({ env: { PATH: '/usr/local/bin::/usr/bin' } });
    expect(findChromium(host)).toEqual({ kind: 'missing', reason: NO_CHROMIUM });
    // the empty entry of the PATH is not taken as the current folder; no Playwright cache exists on this machine
    expect(host.asked).toEqual([
      '/usr/local/bin/chromium',
      '/usr/bin/chromium',
      '/usr/local/bin/chromium-browser',
      '/usr/bin/chromium-browser',
      '/usr/local/bin/google-chrome',
      '/usr/bin/google-chrome',
      '/usr/local/bin/google-chrome-stable',
      '/usr/bin/google-chrome-stable',
    ]);
  });

  it('prefers an earlier name to an earlier folder', () => {
    const host = machine({ env: { PATH }, executables: ['/usr/local/bin/google-chrome', '/usr/bin/chromium-browser'] });
    expect(findChromium(host)).toEqual({ kind: 'found', path: '/usr/bin/chromium-browser' });
  });

  it('looks in the macOS applications on macOS only, Chrome before Chromium', () => {
    const apps = ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
    expect(findChromium(machine({ platform: 'darwin', env: { PATH }, executables: apps }))).toEqual({
      kind: 'found',
      path: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    });
    expect(findChromium(machine({ platform: 'linux', env: { PATH }, executables: apps }))).toEqual({ kind: 'missing', reason: NO_CHROMIUM });
  });

  it("finds Playwright's newest Chromium in ~/.cache/ms-playwright on Linux, after the PATH", () => {
    const cache = '/home/ada/.cache/ms-playwright';
    const folders = { [cache]: ['chromium-999', 'chromium-1200', 'chromium_headless_shell-1200', 'ffmpeg-1011', 'chromium-x'] };
    const executables = [`${cache}/chromium-999/chrome-linux/chrome`, `${cache}/chromium-1200/chrome-linux64/chrome`];
    expect(findChromium(machine({ env: { PATH }, folders, executables }))).toEqual({ kind: 'found', path: `${cache}/chromium-1200/chrome-linux64/chrome` });
    expect(findChromium(machine({ env: { PATH }, folders, executables: [...executables, '/bin/chromium'] }))).toEqual({ kind: 'found', path: '/bin/chromium' });
  });

  it("finds the older layout (chrome-linux/chrome) and honours XDG_CACHE_HOME, as Playwright does", () => {
    const host = machine({ env: { PATH, XDG_CACHE_HOME: '/xdg' }, folders: { '/xdg/ms-playwright': ['chromium-1091'] }, executables: ['/xdg/ms-playwright/chromium-1091/chrome-linux/chrome'] });
    expect(findChromium(host)).toEqual({ kind: 'found', path: '/xdg/ms-playwright/chromium-1091/chrome-linux/chrome' });
  });

  it('looks in PLAYWRIGHT_BROWSERS_PATH instead of the cache when it is set', () => {
    const folders = { '/pw': ['chromium-1200'], '/home/ada/.cache/ms-playwright': ['chromium-1300'] };
    const executables = ['/pw/chromium-1200/chrome-linux64/chrome', '/home/ada/.cache/ms-playwright/chromium-1300/chrome-linux64/chrome'];
    expect(findChromium(machine({ env: { PATH, PLAYWRIGHT_BROWSERS_PATH: '/pw' }, folders, executables }))).toEqual({ kind: 'found', path: '/pw/chromium-1200/chrome-linux64/chrome' });
  });

  it("finds Playwright's Chromium in ~/Library/Caches/ms-playwright on macOS, after the applications", () => {
    const cache = '/home/ada/Library/Caches/ms-playwright';
    const testing = `${cache}/chromium-1200/chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing`;
    const folders = { [cache]: ['chromium-1200'] };
    expect(findChromium(machine({ platform: 'darwin', env: { PATH }, folders, executables: [testing] }))).toEqual({ kind: 'found', path: testing });
    expect(findChromium(machine({ platform: 'darwin', env: { PATH }, folders, executables: [testing, '/Applications/Chromium.app/Contents/MacOS/Chromium'] }))).toEqual({
      kind: 'found',
      path: '/Applications/Chromium.app/Contents/MacOS/Chromium',
    });
  });

  it('reports no Chromium, with how to get one, on a machine without any', () => {
    expect(findChromium(machine({ env: {} }))).toEqual({ kind: 'missing', reason: "no Chromium found (install Debian's chromium, or set CHROMIUM_PATH=/path/to/chrome)" });
  });
});

describe('browserGate', () => {
  const missing = { kind: 'missing', reason: NO_CHROMIUM } as const;

  it('runs the suites with the browser found', () => {
    expect(browserGate({ kind: 'found', path: '/usr/bin/chromium' }, { LAB_REQUIRE_BROWSER: '1' })).toEqual({ kind: 'run', path: '/usr/bin/chromium' });
  });

  it('skips them with one line that says how to enable them', () => {
    expect(browserGate(missing, {})).toEqual({
      kind: 'skip',
      line: "browser tests skipped: no Chromium found (install Debian's chromium, or set CHROMIUM_PATH=/path/to/chrome)",
    });
    expect(browserGate(missing, { LAB_REQUIRE_BROWSER: '0' }).kind).toBe('skip');
  });

  it('fails instead under LAB_REQUIRE_BROWSER=1, as in CI', () => {
    expect(browserGate(missing, { LAB_REQUIRE_BROWSER: '1' })).toEqual({
      kind: 'fail',
      message: "browser tests required (LAB_REQUIRE_BROWSER=1) but cannot run: no Chromium found (install Debian's chromium, or set CHROMIUM_PATH=/path/to/chrome)",
    });
  });
});
