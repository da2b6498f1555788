/**
 * The live view's page (`npm run bench -- --live`): the same shell as the reports (chart.js and the page script
 * inline, allowed by hash), with one more permission: connect to the server that served it, whose /events it
 * reads (reports/pages/live-page.ts). It embeds no run data: everything arrives as events and is shown as text.
 */
import { t } from '../lib/lang/lang.js';
import { speaker } from '../lib/lang/sentences.js';
import { pageShell, type PageAssets } from './html.js';

export interface LiveView {
  readonly title: string;
}

/** The page in the process's language; a title given in English as the catalogue has it is said in that language too. */
export function renderLivePage(assets: PageAssets, title = t('livep.title')): string {
  const view: LiveView = { title: speaker(undefined)(title) };
  return pageShell(view.title, 'live', view, assets);
}
