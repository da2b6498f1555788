/**
 * A page that opens on one screen: its sections fold (a <details> whose summary is the section's title and one
 * line), the contents link to them, and following a link opens the section it leads to. Printing opens them all
 * (reports/pages/chart-draw.ts).
 */
import { el, prose } from './common.js';
import { t } from '../../lib/lang/lang.js';

type Child = Node | string | null;

/** An in-page anchor: ids are built by the views from names of the lab, and checked again here. */
const SAFE_ID = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * A folded section: <section id> holding a <details> whose summary is the title (an <h2>) and `line`. The section
 * keeps the attributes (data-workload, data-section) that tests and links find it by.
 */
export function foldedSection(id: string, title: readonly Child[], line: string, attrs: Readonly<Record<string, string>>, body: readonly Child[], open = false): HTMLElement {
  const details = el('details', { className: 'fold' }, [el('summary', {}, [el('h2', {}, title), line === '' ? null : prose('span', line, { className: 'fold-line' })]), ...body]);
  details.open = open;
  return el('section', { ...attrs, id: SAFE_ID.test(id) ? id : '' }, [details]);
}

/** A link to a section of this page (#id): the only href a page makes besides the relative ones of common.ts. */
export function anchor(id: string, text: readonly Child[]): HTMLElement {
  if (!SAFE_ID.test(id)) return el('span', {}, text);
  const a = el('a', {}, text);
  a.href = `#${id}`;
  return a;
}

export interface ContentsItem {
  readonly id: string;
  readonly title: readonly Child[];
  readonly line: string;
}

/** The contents: every section, with its one line. */
export function contents(items: readonly ContentsItem[]): HTMLElement {
  return el('nav', { className: 'contents', 'data-section': 'contents' }, [
    el('h3', { text: t('run.contents') }),
    el('ol', {}, items.map((item) => el('li', {}, [anchor(item.id, item.title), item.line === '' ? null : prose('span', ` — ${item.line}`, { className: 'fold-line' })]))),
  ]);
}

/** Opens every closed <details> around the element with this id (and its own, when it is a folded section). */
function reveal(id: string): void {
  const target = SAFE_ID.test(id) ? document.getElementById(id) : null;
  if (target === null) return;
  const own = target.querySelector(':scope > details');
  if (own instanceof HTMLDetailsElement) own.open = true;
  for (let at = target.closest('details'); at !== null; at = at.parentElement?.closest('details') ?? null) at.open = true;
  target.scrollIntoView({ block: 'start' });
}

/** Following an in-page link (or opening the page at #id) opens the section it leads to. */
export function openOnNavigation(): void {
  const fromHash = (): void => {
    reveal(decodeURIComponent(location.hash.slice(1)));
  };
  window.addEventListener('hashchange', fromHash);
  document.addEventListener('click', (event) => {
    const a = event.target instanceof Element ? event.target.closest('a') : null;
    const href = a?.getAttribute('href') ?? '';
    // Also when the hash does not change (the same link clicked again after its section was folded).
    if (href.startsWith('#')) reveal(href.slice(1));
  });
  if (location.hash !== '') fromHash();
}
