/**
 * Drawing the pages' charts. chart.js itself is not bundled: its UMD file is inlined before the page script
 * (reports/assets.ts) and defines the global `Chart`, typed here through chart.js's own types.
 *
 * A chart is drawn once its box is in the document and can be seen: one inside a folded section (a closed
 * <details>) waits until the section opens, so that it knows its size and a folded page costs nothing to open.
 */
import type { Chart as ChartClass } from 'chart.js';
import type { ChartConfig } from './charts.js';
import { el } from './common.js';
import { currentLang } from '../../lib/lang/lang.js';

/** Defined by chart.umd.min.js, inlined before the page script; module-scoped, so Node code cannot see it. */
declare const Chart: typeof ChartClass;

const pending = new Map<HTMLCanvasElement, ChartConfig>();
const drawn: ChartClass[] = [];

export function chartBox(title: string, note: string, config: ChartConfig, className = 'chart'): HTMLElement {
  const canvas = el('canvas', { role: 'img', 'aria-label': title });
  pending.set(canvas, config);
  return el('figure', { className }, [title === '' ? null : el('h3', { text: title }), el('div', { className: 'canvas' }, [canvas]), note === '' ? null : el('p', { className: 'note', text: note })]);
}

/** Whether no closed <details> hides the element. */
function shown(node: Element): boolean {
  for (let at = node.parentElement?.closest('details'); at !== null && at !== undefined; at = at.parentElement?.closest('details')) {
    if (!at.open) return false;
  }
  return true;
}

/** Draws every pending chart under `root` that can be seen (or every one, for print). */
function drawPending(root: ParentNode, all = false): void {
  for (const [canvas, config] of pending) {
    if (!root.contains(canvas) || (!all && !shown(canvas))) continue;
    drawn.push(new Chart(canvas, config));
    pending.delete(canvas);
  }
}

/** Charts are created once their boxes are in the document (and seen), so that they know their size. */
export function drawCharts(root: HTMLElement): void {
  Chart.defaults.animation = false; // drawn at once: for print, screenshots and slow projectors
  Chart.defaults.locale = currentLang() === 'fr' ? 'fr-FR' : 'en-US'; // numbers of the axes and tooltips, the page's way
  Chart.defaults.font.size = 15;
  Chart.defaults.color = '#111';
  Chart.defaults.borderColor = '#d0d0d0';
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.usePointStyle = true;
  Chart.defaults.layout.padding = { top: 4, right: 20, bottom: 0, left: 0 }; // room for the whiskers of the last clients level
  drawPending(root);
  // 'toggle' does not bubble: listened to while it goes down (capture), for every <details> of the page.
  document.addEventListener(
    'toggle',
    (event) => {
      const target = event.target;
      if (target instanceof HTMLDetailsElement && target.open) drawPending(target);
    },
    true,
  );
  // Paper shows everything, and is narrower than the screen: open every section, draw what waited, redraw at the
  // printed size, then back (chart.js's advice for printing).
  const resizeAll = (): void => {
    for (const chart of drawn) chart.resize();
  };
  window.addEventListener('beforeprint', () => {
    for (const details of document.querySelectorAll('details')) details.open = true;
    drawPending(root, true);
    resizeAll();
  });
  window.addEventListener('afterprint', resizeAll);
}
