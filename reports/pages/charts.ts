/**
 * The pieces of the run and comparison pages' charts: datasets, axes, whiskers, tooltips (drawing them is
 * reports/pages/chart-draw.ts).
 */
import type { Chart as ChartClass, ChartConfiguration, Plugin, Point, Scale, TooltipItem } from 'chart.js';
import { formatUs } from '../../lib/format.js';
import { formatNumber, t } from '../../lib/lang/lang.js';
import type { Interval } from '../../results/stats/stats.js';
import type { ModelStyle } from '../views/palette.js';

/** Defined by chart.umd.min.js, inlined before the page script; module-scoped, so Node code cannot see it. */
declare const Chart: typeof ChartClass;

export type LinePoint = number | null | Point;
export type LineConfig = ChartConfiguration<'line', LinePoint[]>;
export type ChartConfig = LineConfig | ChartConfiguration<'bar', (number | null)[]>;
export type LineDataset = ChartConfiguration<'line', LinePoint[]>['data']['datasets'][number];

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
export type AxisOptions = NonNullable<LineOptions['scales']>[string];
type TooltipOptions = NonNullable<NonNullable<LineOptions['plugins']>['tooltip']>;

/**
 * The clients axis of every line chart. Its title is read when a chart is drawn, after the page has set its
 * language (this module is evaluated before).
 */
export const clientsAxis: AxisOptions = {
  title: {
    display: true,
    get text(): string {
      return t('rp.axis.clients');
    },
  },
};

/**
 * A log axis whose ticks are exactly the levels measured (clients, or offered rates): theory's curves need a
 * numeric axis to run between them, and a log one spaces 1, 16, 64 as a student reads them.
 */
export function levelsAxis(title: string, levels: readonly number[]): AxisOptions {
  const lo = Math.min(...levels);
  const hi = Math.max(...levels);
  return {
    type: 'logarithmic',
    min: lo / 1.3,
    max: hi * 1.3,
    title: { display: true, text: title },
    afterBuildTicks: (axis: Scale) => {
      axis.ticks = levels.map((value) => ({ value }));
    },
    ticks: { autoSkip: false, callback: (value) => formatNumber(Number(value)) },
  };
}

/** Theory's datasets end their label with this: the legend leaves them out (the note under the chart says what they are). */
const theorySuffix = (): string => ` · ${t('rp.chart.theory')}`;
const kneeSuffix = (): string => ` · ${t('rp.chart.knee')}`;

/** Theory's line: thin, translucent, dashed, without points, in the model's colour. */
export function theoryLine(model: string, data: Point[], style: ModelStyle): LineDataset {
  // order 1: drawn under the measured lines (order 0), so that theory never hides a measured point.
  return { label: `${model}${theorySuffix()}`, data, borderColor: `${style.color}b0`, backgroundColor: `${style.color}b0`, borderDash: [6, 5], borderWidth: 2, pointRadius: 0, pointHitRadius: 6, spanGaps: true, order: 1 };
}

/** The knee N* on theory's throughput line: a hollow triangle. */
export function kneeMarker(model: string, at: Point, style: ModelStyle): LineDataset {
  return { label: `${model}${kneeSuffix()}`, data: [at], borderColor: style.color, backgroundColor: '#ffffff', pointStyle: 'triangle', pointRadius: 9, pointBorderWidth: 2.5, showLine: false, order: 1 };
}

/**
 * A legend that draws each line's dash, not its point (the comparison: colour tells the model, dash the run).
 * chart.js gives a legend item the point's style when usePointStyle is on, without the line's dash: added here.
 */
export const legendOfDashes = {
  labels: {
    usePointStyle: true,
    pointStyle: 'line' as const,
    pointStyleWidth: 44,
    generateLabels: (chart: ChartClass) =>
      Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => {
        const dataset = item.datasetIndex === undefined ? undefined : chart.data.datasets[item.datasetIndex];
        const dash = dataset !== undefined && 'borderDash' in dataset && Array.isArray(dataset.borderDash) ? dataset.borderDash.filter((n): n is number => typeof n === 'number') : [];
        return { ...item, lineDash: dash };
      }),
  },
};

/** A legend of the measured lines only. */
export const legendWithoutTheory = { labels: { filter: (item: { text: string }) => !item.text.endsWith(theorySuffix()) && !item.text.endsWith(kneeSuffix()) } };

/** Per dataset, per point: its 95 % interval (or null), and whether the value is a lower bound. */
export interface IntervalMarks {
  readonly intervals: readonly (readonly (Interval | null)[])[];
  readonly lowerBounds?: readonly (readonly boolean[])[];
}

/** What the interval plugin drew, in canvas pixels: written on the canvas (data-intervals) for the tests. */
export interface DrawnInterval {
  readonly dataset: number;
  readonly index: number;
  readonly x: number;
  readonly yLow: number;
  readonly yHigh: number;
}

/** Whiskers of the models at one x sit side by side, this many pixels apart: a cap (2 × CAP wide) never crosses its neighbour. */
const SPREAD = 6;
const CAP = 4;
const ARROW = 24;

/**
 * chart.js has no error bars: this plugin draws each point's 95 % interval as a whisker with caps, in the
 * dataset's colour, and an arrow up from a value that is only a lower bound ("≥": the real one is higher).
 */
export function intervalPlugin(marks: IntervalMarks): Plugin<'line'> {
  return {
    id: 'labIntervals',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const y = chart.scales.y;
      if (y === undefined) return;
      // Only the measured datasets carry marks; theory's lines and markers come after them.
      const count = marks.intervals.length;
      const drawn: DrawnInterval[] = [];
      let arrows = 0;
      ctx.save();
      ctx.beginPath();
      // Whiskers beside the first and last clients level reach past the plot area, into the layout padding.
      ctx.rect(0, chartArea.top - ARROW, chart.width, chartArea.height + ARROW);
      ctx.clip();
      chart.data.datasets.forEach((dataset, i) => {
        if (i >= count || !chart.isDatasetVisible(i)) return;
        const colour = typeof dataset.borderColor === 'string' ? dataset.borderColor : '#111';
        ctx.strokeStyle = colour;
        ctx.fillStyle = colour;
        ctx.lineWidth = 2.5;
        ctx.setLineDash([]);
        chart.getDatasetMeta(i).data.forEach((point, j) => {
          if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) return;
          const x = Math.round(point.x + (i - (count - 1) / 2) * SPREAD);
          const interval = marks.intervals[i]?.[j] ?? null;
          if (interval !== null) {
            const yLow = y.getPixelForValue(interval.low);
            const yHigh = y.getPixelForValue(interval.high);
            ctx.beginPath();
            ctx.moveTo(x, yLow);
            ctx.lineTo(x, yHigh);
            ctx.moveTo(x - CAP, yLow);
            ctx.lineTo(x + CAP, yLow);
            ctx.moveTo(x - CAP, yHigh);
            ctx.lineTo(x + CAP, yHigh);
            ctx.stroke();
            drawn.push({ dataset: i, index: j, x, yLow, yHigh });
          }
          if (marks.lowerBounds?.[i]?.[j] === true) {
            const top = point.y - ARROW;
            ctx.beginPath();
            ctx.moveTo(point.x, point.y - 6);
            ctx.lineTo(point.x, top + 6);
            ctx.stroke();
            ctx.beginPath();
            ctx.moveTo(point.x, top);
            ctx.lineTo(point.x - 7, top + 10);
            ctx.lineTo(point.x + 7, top + 10);
            ctx.closePath();
            ctx.fill();
            arrows++;
          }
        });
      });
      ctx.restore();
      chart.canvas.setAttribute('data-intervals', JSON.stringify(drawn));
      chart.canvas.setAttribute('data-lower-bounds', String(arrows));
    },
  };
}

/** A y axis that reaches the ends of the intervals too, so that no whisker is cut off. */
export function coveringIntervals(axis: AxisOptions, marks: IntervalMarks): AxisOptions {
  const ends = marks.intervals.flatMap((series) => series.flatMap((i) => (i === null ? [] : [i.low, i.high])));
  if (ends.length === 0) return axis;
  return { ...axis, suggestedMin: Math.min(...ends), suggestedMax: Math.max(...ends) };
}

/** Tooltips that say what the tables say: the value with its ± or ≥, and the 95 % range. */
export function tooltipTexts(texts: readonly (readonly string[])[]): TooltipOptions {
  return { callbacks: { label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${texts[item.datasetIndex]?.[item.dataIndex] ?? '—'}` } };
}

/** A y value as the tables show it: a latency chart's tooltip reads "21.4 ms", not "21,400". */
function tooltipWith(format: (n: number) => string): TooltipOptions {
  return { callbacks: { label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${item.parsed.y === null ? '—' : format(item.parsed.y)}` } };
}
export const latencyTooltip = tooltipWith(formatUs);

export function countAxis(title: string): AxisOptions {
  return { beginAtZero: true, title: { display: true, text: title } };
}

/**
 * A log axis labels 1, 2 and 5 of each power of ten (only the powers of ten across more than three of them):
 * every tick labelled would run into each other, and chart.js's own skipping keeps every other tick, whatever
 * its value. The grid still has a line at every tick.
 */
function isLabelledLogTick(value: number, ticks: readonly { value: number }[]): boolean {
  if (!(value > 0)) return false;
  const values = ticks.map((t) => t.value).filter((v) => v > 0);
  const decades = Math.log10(Math.max(...values) / Math.min(...values));
  const mantissa = value / 10 ** Math.floor(Math.log10(value) + 1e-9);
  return (decades > 3 ? [1] : [1, 2, 5]).some((m) => Math.abs(mantissa - m) < 1e-6);
}

/** Latency on a log axis, labelled by the tables' formatter (results/format.ts), without trailing zeros. */
export function logAxis(title: string): AxisOptions {
  return {
    type: 'logarithmic',
    title: { display: true, text: title },
    ticks: { autoSkip: false, callback: (value, _index, ticks) => (isLabelledLogTick(Number(value), ticks) ? formatUs(Number(value), { trimZeros: true }) : '') },
  };
}

/** Counts (requests per second) on a log axis, labelled as numbers. */
export function logCountAxis(title: string): AxisOptions {
  return {
    type: 'logarithmic',
    title: { display: true, text: title },
    ticks: { autoSkip: false, callback: (value, _index, ticks) => (isLabelledLogTick(Number(value), ticks) ? formatNumber(Number(value)) : '') },
  };
}

/** HDR plots put percentiles on a log axis of 1 / (1 − p): 90%, 99%, 99.9% are evenly spaced. */
const PERCENTILE_TICKS: ReadonlyMap<number, number> = new Map([[1, 0], [10, 90], [100, 99], [1000, 99.9], [10000, 99.99]]);

/** "99.9%" / "99,9 %": a percentile as the axes and tables write it. */
export function percentileText(percentile: number): string {
  return t('rp.percentile', { p: formatNumber(percentile, 3) });
}

export function percentileAxis(): AxisOptions {
  return {
    type: 'logarithmic',
    min: 1,
    max: 10000,
    title: { display: true, text: t('rp.axis.percentile') },
    afterBuildTicks: (axis: Scale) => {
      axis.ticks = [...PERCENTILE_TICKS.keys()].map((value) => ({ value }));
    },
    ticks: {
      callback: (value) => {
        const p = PERCENTILE_TICKS.get(Number(value));
        return p === undefined ? '' : percentileText(p);
      },
    },
  };
}

export function percentileX(percentile: number): number {
  return 1 / (1 - percentile / 100);
}
