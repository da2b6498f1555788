import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoRoot } from '../lib/paths.js';
import type { PageAssets, PageKind } from './html.js';

/** Where scripts/build-pages.ts writes each page's bundled script (`npm run build`). */
export const PAGES_DIST = join(repoRoot, 'dist', 'pages');
const read = (path: string): string => readFileSync(path, 'utf8');

let cached: PageAssets | undefined;

/** Reads the page styles, the bundled page scripts and chart.js (pinned in package-lock) to inline them; once per process. */
export function loadAssets(): PageAssets {
  cached ??= readAssets();
  return cached;
}

function pageScript(kind: PageKind): string {
  const path = join(PAGES_DIST, `${kind}.js`);
  if (!existsSync(path)) throw new Error(`the page scripts are not built (${path} is missing): run npm run build`);
  return read(path);
}

function readAssets(): PageAssets {
  const require = createRequire(import.meta.url);
  // chart.js does not export its UMD build; it sits beside the CommonJS entry in dist/.
  const chartJs = read(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
  return {
    chartJs,
    css: read(join(repoRoot, 'reports', 'pages', 'page.css')),
    pageJs: { run: pageScript('run'), compare: pageScript('compare'), index: pageScript('index'), live: pageScript('live'), class: pageScript('class') },
  };
}
