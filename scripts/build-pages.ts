/**
 * Bundles each page's script (reports/pages/<kind>-page.ts with what it imports: the shared DOM and chart
 * helpers, results/format.ts) into one IIFE file, dist/pages/<kind>.js, that reports/assets.ts inlines into
 * the pages. Not minified: a student can read the page's code with "view source". chart.js stays outside
 * the bundle: its own UMD file is inlined before the page script and defines the global `Chart`.
 *
 *   node dist/scripts/build-pages.js            (part of npm run build)
 */
import { join } from 'node:path';
import { build, type RolldownLog } from 'rolldown';
import { repoRoot } from '../lib/paths.js';

const PAGES = ['run', 'compare', 'index', 'live', 'class'] as const;
const pagesOut = join(repoRoot, 'dist', 'pages');

/** A warning (an unresolved import, a Node built-in pulled into a page…) would ship a broken page: stop the build. */
function failOnWarning(level: 'debug' | 'info' | 'warn', log: RolldownLog): void {
  if (level === 'warn') throw new Error(`build-pages: ${log.message}`);
}

async function buildPages(): Promise<void> {
  for (const kind of PAGES) {
    await build({
      input: join(repoRoot, 'reports', 'pages', `${kind}-page.ts`),
      platform: 'browser',
      // The sources import './x.js' (NodeNext style) and mean './x.ts'.
      resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
      onLog: failOnWarning,
      // Strict, as the module sources were when they were type-checked.
      output: { file: join(pagesOut, `${kind}.js`), format: 'iife', strict: true, minify: false, sourcemap: false, banner: `/* Built from reports/pages/${kind}-page.ts by scripts/build-pages.ts. */` },
    });
  }
}

await buildPages();
