import type { Results } from '../results/schema.js';
import { currentLang, t } from '../lib/lang/lang.js';
import { buildCompareView } from './views/compare-view.js';
import { pageShell, type PageAssets } from './html.js';
import { buildRunView } from './views/run/run-view.js';
import type { IndexEntry, IndexView } from './views/index-view.js';
import type { ClassView } from './classroom/class-view.js';

/** A run's page. Pure: results in, HTML out; the data goes in as JSON and is shown as text. */
export function renderRunPage(results: Results, assets: PageAssets, indexHref: string | null = null): string {
  const view = buildRunView(results, indexHref);
  return pageShell(view.title, 'run', view, assets);
}

/** Two or more runs side by side. */
export function renderComparePage(runs: readonly { readonly label: string; readonly results: Results }[], assets: PageAssets): string {
  const view = buildCompareView(runs);
  return pageShell(view.title, 'compare', view, assets);
}

export function renderIndexPage(entries: readonly IndexEntry[], assets: PageAssets): string {
  const view: IndexView = { entries, lang: currentLang() };
  return pageShell(t('index.title'), 'index', view, assets);
}

/** The class page: on the hub it reads who is running and posts answers to the hub that served it (connect 'self'). */
export function renderClassPage(view: ClassView, assets: PageAssets): string {
  return pageShell(view.title, 'class', view, assets, { lang: view.lang, connect: view.live ? 'self' : 'none' });
}
