/**
 * Chart helpers of the run and comparison pages. chart.js itself is not bundled: its UMD file is inlined before
 * the page script (reports/assets.ts) and defines the global `Chart`, typed here through chart.js's own types.
 */
import type { Chart as ChartClass, ChartConfiguration, Point, Scale, TooltipItem } from 'chart.js';
import { formatRps, formatUs } from '../../results/format.js';
import type { ModelStyle } from '../palette.js';
import { el } from './common.js';

/** Defined by chart.umd.min.js, inlined before the page script; module-scoped, so Node code cannot see it. */
declare const Chart: typeof ChartClass;

export type LinePoint = number | null | Point;
export type ChartConfig = ChartConfiguration<'line', LinePoint[]> | ChartConfiguration<'bar', (number | null)[]>;
export type LineDataset = ChartConfiguration<'line', LinePoint[]>['data']['datasets'][number];

const configs = new Map<HTMLCanvasElement, ChartConfig>();

export function chartBox(title: string, note: string, config: ChartConfig): HTMLElement {
  const canvas = el('canvas', { role: 'img', 'aria-label': title });
  configs.set(canvas, config);
  return el('figure', { className: 'chart' }, [el('h3', { text: title }), el('div', { className: 'canvas' }, [canvas]), note === '' ? null : el('p', { className: 'note', text: note })]);
}

/** Charts are created once their boxes are in the document, so that they know their size. */
export function drawCharts(root: HTMLElement): void {
  Chart.defaults.animation = false; // drawn at once: for print, screenshots and slow projectors
  Chart.defaults.font.size = 15;
  Chart.defaults.color = '#111';
  Chart.defaults.borderColor = '#d0d0d0';
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.usePointStyle = true;
  for (const [canvas, config] of configs) {
    if (!root.contains(canvas)) continue;
    new Chart(canvas, config);
    configs.delete(canvas);
  }
}

export function line(label: string, data: LinePoint[], style: ModelStyle, pointRadius = 5): LineDataset {
  return {
    label,
    data,
    borderColor: style.color,
    backgroundColor: style.color,
    borderDash: [...style.dash],
    pointStyle: style.point,
    pointRadius,
    borderWidth: 3,
    spanGaps: false,
  };
}

type LineOptions = NonNullable<ChartConfiguration<'line', LinePoint[]>['options']>;
type AxisOptions = NonNullable<LineOptions['scales']>[string];
type TooltipOptions = NonNullable<NonNullable<LineOptions['plugins']>['tooltip']>;

/** The clients axis of every line chart. */
export const clientsAxis: AxisOptions = { title: { display: true, text: 'concurrent clients' } };

/** A y value as the tables show it: a latency chart's tooltip reads "21.4 ms", not "21,400". */
function tooltipWith(format: (n: number) => string): TooltipOptions {
  return { callbacks: { label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${item.parsed.y === null ? '—' : format(item.parsed.y)}` } };
}
export const latencyTooltip = tooltipWith(formatUs);
export const throughputTooltip = tooltipWith(formatRps);

export function countAxis(title: string): AxisOptions {
  return { beginAtZero: true, title: { display: true, text: title } };
}

/** Latency on a log axis, labelled by the tables' formatter (results/format.ts), without trailing zeros. */
export function logAxis(title: string): AxisOptions {
  return { type: 'logarithmic', title: { display: true, text: title }, ticks: { callback: (value) => formatUs(Number(value), { trimZeros: true }) } };
}

/** HDR plots put percentiles on a log axis of 1 / (1 − p): 90%, 99%, 99.9% are evenly spaced. */
const PERCENTILE_TICKS: ReadonlyMap<number, string> = new Map([[1, '0%'], [10, '90%'], [100, '99%'], [1000, '99.9%'], [10000, '99.99%']]);

export function percentileAxis(): AxisOptions {
  return {
    type: 'logarithmic',
    min: 1,
    max: 10000,
    title: { display: true, text: 'percentile' },
    afterBuildTicks: (axis: Scale) => {
      axis.ticks = [...PERCENTILE_TICKS.keys()].map((value) => ({ value }));
    },
    ticks: { callback: (value) => PERCENTILE_TICKS.get(Number(value)) ?? '' },
  };
}

export function percentileX(percentile: number): number {
  return 1 / (1 - percentile / 100);
}
