import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoRoot } from '../lib/paths.js';
import type { PageAssets } from './html.js';

const templates = join(repoRoot, 'reports', 'templates');
const read = (path: string): string => readFileSync(path, 'utf8');

let cached: PageAssets | undefined;

/** Reads the committed templates and chart.js (pinned in package-lock) to inline them; once per process. */
export function loadAssets(): PageAssets {
  cached ??= readAssets();
  return cached;
}

function readAssets(): PageAssets {
  const require = createRequire(import.meta.url);
  // chart.js does not export its UMD build; it sits beside the CommonJS entry in dist/.
  const chartJs = read(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
  return {
    chartJs,
    css: read(join(templates, 'page.css')),
    commonJs: read(join(templates, 'common.js')),
    pageJs: { run: read(join(templates, 'run.js')), compare: read(join(templates, 'compare.js')), index: read(join(templates, 'index.js')) },
  };
}
