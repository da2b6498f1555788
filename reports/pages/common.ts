/**
 * Shared by every page: the DOM is built from data with textContent only (never innerHTML), so that text in a
 * results file can never become markup. Bundled into each page's script at build time (scripts/build-pages.ts).
 */
import { styleOf, type ModelStyle } from '../views/palette.js';
import { setLang } from '../../lib/lang/lang.js';

type Child = Node | string | null;

/**
 * An element with attributes and children. Links, sources, styles and handlers cannot be set here: links go
 * through link(), which checks them, and styles through the CSSOM, which the page's CSP allows.
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string>> = {}, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'text') node.textContent = value;
    else if (key === 'className') node.className = value;
    else if (/^(href|src|style|on)/i.test(key)) throw new Error(`el(): set ${key} through its own helper`);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

/** A sentence where `names` in backticks become <code>, everything still as text. */
export function prose(tag: 'p' | 'li' | 'summary' | 'span', sentence: string, attrs: Readonly<Record<string, string>> = {}): HTMLElement {
  return el(tag, attrs, sentence.split('`').map((part, i) => (i % 2 === 1 ? el('code', { text: part }) : part)));
}

/**
 * Pages link only to their neighbours, by relative paths the renderer built from validated run ids. Anything
 * else (a `javascript:` URL, another scheme, an absolute path) is refused, whatever the data says.
 */
export function isSafeHref(href: string): boolean {
  return /^\.{1,2}\/[^:]*$/.test(href);
}

/** A link when the href is safe; otherwise the text alone, so that a refused link is still readable. */
export function link(href: string, text: string): HTMLElement {
  if (!isSafeHref(href)) return el('span', { text });
  const a = el('a', { text });
  a.href = href;
  return a;
}

export function table(headers: readonly string[] | null, rows: readonly HTMLTableRowElement[], className = ''): HTMLElement {
  return el('div', { className: 'table-wrap' }, [
    el('table', { className }, [
      // A header sits as its column does: left over text (cells of class "name"), right over numbers.
      headers === null ? null : el('thead', {}, [el('tr', {}, headers.map((h, i) => el('th', { text: h, className: i === 0 || rows[0]?.cells[i]?.classList.contains('name') === true ? 'name' : '' })))]),
      el('tbody', {}, rows),
    ]),
  ]);
}

export function swatch(color: string): HTMLElement {
  const span = el('span', { className: 'swatch' });
  span.style.background = color;
  return span;
}

/**
 * The page's data, embedded by the renderer as <script type="application/json" id="lab-data">. Each page states
 * its type (reports/*-view.ts): the view its renderer, of the same build, wrote.
 */
export function readData(): unknown {
  return JSON.parse(document.getElementById('lab-data')?.textContent ?? 'null');
}

/** Every page starts alike: an emptied #app (the <noscript> note goes), and the style of each model by name. */
export function startPage(models: readonly (ModelStyle & { readonly name: string })[] = []): { app: HTMLElement; styleFor: (model: string) => ModelStyle } {
  // The page speaks the language it was rendered in (<html lang>): its labels, axes and tooltips agree with its tables.
  setLang(document.documentElement.lang === 'fr' ? 'fr' : 'en');
  const app = document.getElementById('app');
  if (app === null) throw new Error('the page has no #app element');
  app.textContent = '';
  const styles = new Map(models.map((m) => [m.name, m]));
  return { app, styleFor: (model) => styles.get(model) ?? styleOf(model) };
}

/** A table cell of a figure: its text as shown, its exact value in data-value (for the tests), its field's name. */
export function numberCell(field: string, value: number | null, text: string): HTMLElement {
  return el('td', { 'data-field': field, 'data-value': value === null ? '' : String(value), text });
}
