/**
 * A workload's timelines on the run page: one chart, a case and a trial chosen by the reader (the median trial of the
 * first case first), throughput and errors per second on the left, p99 on the right, the window shaded and the
 * faults marked. The data comes whole from the view (reports/views/run/timeline-view.ts).
 */
import type { Chart as ChartClass, Plugin } from 'chart.js';
import { t } from '../../../lib/lang/lang.js';
import type { TimelineCaseView, TimelineTrialView } from '../../views/run/timeline-view.js';
import type { ModelStyle } from '../../views/palette.js';
import { chartBox } from '../chart-draw.js';
import type { LineConfig } from '../charts.js';
import { el } from '../common.js';

/** Defined by chart.umd.min.js, inlined before the page script. */
declare const Chart: typeof ChartClass;

/** What the shading plugin draws: changed in place when the reader picks another trial. */
interface Marks {
  windowStart: number | null;
  windowEnd: number | null;
  faults: readonly { readonly at: number; readonly label: string }[];
}

function marksPlugin(marks: Marks): Plugin<'line'> {
  return {
    id: 'labTimelineMarks',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const x = chart.scales.x;
      if (x === undefined) return;
      ctx.save();
      if (marks.windowStart !== null && marks.windowEnd !== null) {
        const from = Math.max(chartArea.left, x.getPixelForValue(marks.windowStart));
        const to = Math.min(chartArea.right, x.getPixelForValue(marks.windowEnd));
        ctx.fillStyle = 'rgba(0, 0, 0, 0.07)';
        ctx.fillRect(from, chartArea.top, Math.max(0, to - from), chartArea.bottom - chartArea.top);
        ctx.fillStyle = '#555';
        ctx.font = '13px sans-serif';
        ctx.fillText(t('tl.window'), from + 4, chartArea.top + 14);
      }
      ctx.strokeStyle = '#b00020';
      ctx.fillStyle = '#b00020';
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 2;
      ctx.font = '13px sans-serif';
      for (const [i, f] of marks.faults.entries()) {
        const at = x.getPixelForValue(f.at);
        ctx.beginPath();
        ctx.moveTo(at, chartArea.top);
        ctx.lineTo(at, chartArea.bottom);
        ctx.stroke();
        ctx.fillText(f.label, Math.min(at + 4, chartArea.right - ctx.measureText(f.label).width), chartArea.top + 30 + 16 * i);
      }
      ctx.restore();
      // For the tests: what was marked, in the chart's own units.
      chart.canvas.dataset.window = marks.windowStart === null ? '' : `${marks.windowStart}-${marks.windowEnd ?? ''}`;
      chart.canvas.dataset.faults = String(marks.faults.length);
    },
  };
}

const points = (tl: TimelineTrialView, ys: readonly (number | null)[]): { x: number; y: number }[] => tl.t.flatMap((x, i) => {
  const y = ys[i];
  return y === null || y === undefined ? [] : [{ x, y }];
});

function select(label: string, options: readonly string[], name: string): { box: HTMLElement; input: HTMLSelectElement } {
  const input = el('select', { 'data-pick': name }, options.map((o, i) => el('option', { value: String(i), text: o })));
  return { box: el('label', { className: 'timeline-pick' }, [`${label} `, input]), input };
}

export function timelineBox(cases: readonly TimelineCaseView[], styleFor: (model: string) => ModelStyle): HTMLElement | null {
  const first = cases[0]?.trials[0];
  if (first === undefined) return null;
  const marks: Marks = { windowStart: first.windowStart, windowEnd: first.windowEnd, faults: first.faults };
  const config: LineConfig = {
    type: 'line',
    data: { datasets: [] },
    options: {
      parsing: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: t('tl.axis.time') } },
        y: { type: 'linear', beginAtZero: true, title: { display: true, text: t('tl.rps') } },
        y2: { type: 'logarithmic', position: 'right', title: { display: true, text: t('tl.p99Axis') }, grid: { drawOnChartArea: false } },
        // Errors on an axis of their own: a dead server's clients fail thousands of times a second, which would flatten the answers.
        yErr: { type: 'linear', position: 'left', beginAtZero: true, display: 'auto', title: { display: true, text: t('tl.errors'), color: '#b00020' }, ticks: { color: '#b00020' }, grid: { drawOnChartArea: false } },
      },
    },
    plugins: [marksPlugin(marks)],
  };
  const trialNote = el('p', { className: 'note timeline-trial-faults' });
  const show = (c: TimelineCaseView, tl: TimelineTrialView): void => {
    trialNote.replaceChildren(...tl.faultNotes.flatMap((n, i) => (i === 0 ? [n] : [el('br'), n])));
    const color = styleFor(c.model).color;
    marks.windowStart = tl.windowStart;
    marks.windowEnd = tl.windowEnd;
    marks.faults = tl.faults;
    const errors = tl.errorsPerSecond.some((e) => e > 0);
    config.data.datasets = [
      // Small points: a slice is a measure, and a reader hovering one reads its value.
      { label: t('tl.rps'), data: points(tl, tl.rps), borderColor: color, backgroundColor: color, pointRadius: 2, borderWidth: 2.5, yAxisID: 'y' },
      { label: t('tl.p99'), data: points(tl, tl.p99Ms), borderColor: '#8a5a00', backgroundColor: '#8a5a00', borderDash: [4, 3], pointRadius: 2, borderWidth: 1.5, yAxisID: 'y2' },
      ...(errors ? [{ label: t('tl.errors'), data: points(tl, tl.errorsPerSecond), borderColor: '#b00020', backgroundColor: '#b00020', pointRadius: 2, borderWidth: 2, yAxisID: 'yErr' }] : []),
    ];
    const canvas = figure.querySelector('canvas');
    if (canvas !== null) {
      canvas.dataset.case = c.label;
      canvas.dataset.trial = String(tl.number);
    }
    // Drawn already (its section is open): redrawn at once; else it is drawn with this data when it opens.
    if (canvas !== null) Chart.getChart(canvas)?.update();
  };
  const figure = chartBox('', t('tl.note', { ms: first.sliceMs }), config, 'chart timeline-chart');
  figure.querySelector('canvas')?.setAttribute('aria-label', t('tl.title'));
  const casePick = select(t('tl.case'), cases.map((c) => c.label), 'case');
  const trialPick = select(t('tl.trialPick'), cases[0]?.trials.map((x) => x.label) ?? [], 'trial');
  const current = (): TimelineCaseView | undefined => cases[Number(casePick.input.value)];
  casePick.input.addEventListener('change', () => {
    const c = current();
    if (c === undefined) return;
    trialPick.input.replaceChildren(...c.trials.map((x, i) => el('option', { value: String(i), text: x.label })));
    const tl = c.trials[0];
    if (tl !== undefined) show(c, tl);
  });
  trialPick.input.addEventListener('change', () => {
    const c = current();
    const tl = c?.trials[Number(trialPick.input.value)];
    if (c !== undefined && tl !== undefined) show(c, tl);
  });
  const firstCase = cases[0];
  if (firstCase !== undefined) show(firstCase, first);
  const faulted = cases.some((c) => c.faultSentences.length > 0);
  return el('div', { className: 'timeline', 'data-section': 'timeline' }, [
    el('h3', { text: t('tl.title') }),
    el('div', { className: 'timeline-picks' }, [casePick.box, trialPick.box]),
    figure,
    trialNote,
    faulted ? el('div', { className: 'box faults' }, [el('strong', { text: t('tl.faults') }), el('ul', {}, cases.flatMap((c) => c.faultSentences.map((s) => el('li', { text: s }))))]) : null,
  ]);
}
