/**
 * The live view's page (`npm run bench -- --live`): the same shell as the reports (chart.js and the page script
 * inline, allowed by hash), with one more permission: connect to the server that served it, whose /events it
 * reads (reports/pages/live-page.ts). It embeds no run data: everything arrives as events and is shown as text.
 */
import { pageShell, type PageAssets } from './html.js';

export interface LiveView {
  readonly title: string;
}

export function renderLivePage(assets: PageAssets, title = 'Concurrency lab — live run'): string {
  const view: LiveView = { title };
  return pageShell(title, 'live', view, assets);
}
