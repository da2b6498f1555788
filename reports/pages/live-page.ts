/**
 * The live view of a bench run: reads the bench's events (GET /events, results/live-feed.ts) and shows the
 * phase, the running trial and its last second as text, the running cell's trials over time, and each finished
 * case's median. Everything from the events goes in as text (textContent) or as chart data, never as markup.
 */
import type { Chart as ChartClass, ChartConfiguration } from 'chart.js';
import { formatDuration, formatRps, formatUs } from '../../lib/format.js';
import { liveCellName, type LiveCase, type LiveEnd, type LiveEvent, type LivePoint, type LiveSnapshot, type LiveStatus, type LiveTrialLine, type LiveTrialResult } from '../../results/live-feed.js';
import type { LiveView } from '../live.js';
import { chartBox, drawCharts } from './chart-draw.js';
import { countAxis, latencyTooltip, line, logAxis, type LineConfig, type LineDataset } from './charts.js';
import { el, readData, startPage } from './common.js';
import { currentLang, t, type TextKey } from '../../lib/lang/lang.js';

/** Defined by chart.umd.min.js, inlined before this script. */
declare const Chart: typeof ChartClass;

const view = readData() as LiveView; // written by renderLivePage of the same build
const { app, styleFor } = startPage();
/** Tick labels written the page's way ("1 000", "0,5" in French). */
const locale = currentLang() === 'fr' ? 'fr-FR' : 'en-US';

const text = (attrs: Readonly<Record<string, string>>): HTMLElement => el('p', attrs);
const plan = el('p', { className: 'subtitle', id: 'live-plan', text: t('live.waiting') });
const phaseLine = text({ id: 'live-phase', className: 'headline', text: t('live.connecting') });
const caseLine = text({ id: 'live-case', text: t('live.noTrial') });
const nowLine = text({ id: 'live-now', text: '' });
const connection = text({ id: 'live-connection', className: 'legend-note', text: '' });
const cellTitle = el('h2', { id: 'live-cell', text: t('live.cell') });
const windowNote = text({ className: 'legend-note', id: 'live-window', text: '' });
const casesBody = el('tbody');

app.append(el('h1', { text: view.title }), plan);
app.append(el('section', { className: 'box glance', 'data-section': 'now' }, [phaseLine, caseLine, nowLine, connection]));

/** Seconds since the trial's load started: the same axis for every trial of the cell. */
const timeAxis = { type: 'linear' as const, beginAtZero: true, title: { display: true, text: t('livep.axis.time') } };
const throughputConfig: LineConfig = {
  type: 'line',
  data: { datasets: [] },
  options: { locale, parsing: false, scales: { x: timeAxis, y: countAxis(t('livep.axis.rps')) }, plugins: { legend: { position: 'bottom' } } },
};
const latencyConfig: LineConfig = {
  type: 'line',
  data: { datasets: [] },
  options: { locale, parsing: false, scales: { x: timeAxis, y: logAxis(t('livep.axis.latency')) }, plugins: { legend: { position: 'bottom' }, tooltip: latencyTooltip } },
};
const casesConfig: ChartConfiguration<'bar', (number | null)[]> = {
  type: 'bar',
  data: { labels: [], datasets: [{ label: t('livep.medianLabel'), data: [], backgroundColor: [] }] },
  options: { locale, indexAxis: 'y', scales: { x: countAxis(t('livep.axis.median')) }, plugins: { legend: { display: false } } },
};

const charts = el('div', { className: 'charts' }, [
  chartBox(t('livep.chart.rps'), '', throughputConfig),
  chartBox(t('livep.chart.latency'), '', latencyConfig),
]);
const casesChart = chartBox(t('livep.chart.cases'), t('livep.chart.casesNote'), casesConfig);
app.append(el('section', { 'data-section': 'cell' }, [cellTitle, windowNote, charts]));
app.append(
  el('section', { 'data-section': 'cases' }, [
    el('h2', { text: t('live.finished') }),
    casesChart,
    el('div', { className: 'table-wrap' }, [
      el('table', { className: 'numbers', id: 'live-cases' }, [
        el('thead', {}, [el('tr', {}, [t('livep.col.case'), t('livep.col.model'), t('livep.col.trials'), t('chart.rps'), 'p50', 'p99'].map((h, i) => el('th', { text: h, className: i < 2 ? 'name' : '' })))]),
        casesBody,
      ]),
    ]),
  ]),
);
drawCharts(app);

/** The chart drawn in a box (chartBox labels its canvas with the title). */
const chartOf = (box: HTMLElement): ChartClass => {
  const canvas = box.querySelector('canvas');
  const chart = canvas === null ? undefined : Chart.getChart(canvas);
  if (chart === undefined) throw new Error('a live chart was not drawn');
  return chart;
};
const [throughputBox, latencyBox] = [...charts.children] as HTMLElement[];
if (throughputBox === undefined || latencyBox === undefined) throw new Error('the live charts are missing');
const throughputChart = chartOf(throughputBox);
const latencyChart = chartOf(latencyBox);
const casesBarChart = chartOf(casesChart);

// What the page holds: the current cell's trials and the finished cases (a snapshot replaces both).
let lines: { model: string; label: string; points: LivePoint[]; result?: LiveTrialResult }[] = [];
const cases: LiveCase[] = [];

function lineLabel(l: (typeof lines)[number]): string {
  if (l.result === undefined) return t('livep.line.running', { label: l.label });
  return l.result.status === 'ok' ? t('livep.line.ok', { label: l.label, rps: formatRps(l.result.rps) }) : t('livep.line.failed', { label: l.label });
}

function redrawCell(): void {
  throughputChart.data.datasets = lines.map((l, i): LineDataset => {
    const style = styleFor(l.model);
    const dataset = line(lineLabel(l), l.points.map((p) => ({ x: p.t, y: p.rps })), style, 0);
    // The latest trial stands out; the earlier ones of the cell stay, thinner and paler, to compare with.
    if (i === lines.length - 1) return dataset;
    return { ...dataset, borderWidth: 1.5, borderColor: `${style.color}88`, backgroundColor: `${style.color}88` };
  });
  const running = lines[lines.length - 1];
  const style = styleFor(running?.model ?? '');
  const pick = (field: 'p50Us' | 'p99Us'): { x: number; y: number }[] => (running?.points ?? []).flatMap((p) => (p[field] === null ? [] : [{ x: p.t, y: p[field] }]));
  latencyChart.data.datasets =
    running === undefined
      ? []
      : [
          { ...line(`${running.model} p50`, pick('p50Us'), style, 0), borderDash: [] },
          { ...line(`${running.model} p99`, pick('p99Us'), style, 0), borderDash: [6, 4], borderWidth: 2 },
        ];
  throughputChart.update('none');
  latencyChart.update('none');
}

function caseName(c: LiveCase): string {
  return liveCellName(c);
}

const noCase = el('tr', {}, [el('td', { className: 'name', colspan: '6', text: t('livep.noCase') })]);
casesBody.append(noCase);

function addCases(added: readonly LiveCase[]): void {
  if (added.length > 0) noCase.remove();
  for (const c of added) {
    cases.push(c);
    const ok = c.status === 'ok';
    casesBody.append(
      el('tr', { className: ok ? '' : 'failed' }, [
        el('td', { className: 'name', text: caseName(c) }),
        el('td', { className: 'name', text: c.model }),
        el('td', { text: String(c.trials) }),
        ...(ok
          ? [el('td', { text: formatRps(c.rps) }), el('td', { text: formatUs(c.p50Us) }), el('td', { text: formatUs(c.p99Us) })]
          : [el('td', { className: 'name', text: t('livep.caseFailed', { error: c.error }), colspan: '3' })]),
      ]),
    );
  }
  casesBarChart.data.labels = cases.map((c) => `${caseName(c)} · ${c.model}`);
  const [bars] = casesBarChart.data.datasets;
  if (bars !== undefined) {
    bars.data = cases.map((c) => (c.status === 'ok' ? c.rps : null));
    bars.backgroundColor = cases.map((c) => styleFor(c.model).color);
  }
  // A bar per case: the chart grows with the run instead of squeezing its bars.
  const box = casesBarChart.canvas.parentElement;
  if (box !== null) box.style.height = `${Math.max(200, 80 + cases.length * 36)}px`;
  casesBarChart.resize();
  casesBarChart.update('none');
}

/** What each stage of a trial is called on the page. */
const STAGES: Readonly<Record<LivePoint['stage'], TextKey>> = { warmup: 'livep.stage.warmup', ramp: 'livep.stage.ramp', window: 'livep.stage.window', drain: 'livep.stage.drain' };

function showStatus(status: LiveStatus): void {
  phaseLine.textContent = t('livep.now', { phase: status.phase });
  const trial = status.trial;
  if (trial === null) caseLine.textContent = t('live.noTrial');
  else {
    const load = trial.rate === undefined ? t(trial.connections === 1 ? 'livep.load.one' : 'livep.load.many', { n: trial.connections }) : t('livep.load.rate', { rate: trial.rate });
    const left = status.secondsLeft === null ? '' : t('livep.left', { time: formatDuration(status.secondsLeft) });
    const which = trial.retry ? t('livep.retry') : t('livep.trial', { n: trial.round });
    caseLine.textContent = t('livep.running', { workload: trial.workload, load, model: trial.model, trial: which, cell: trial.cell + 1, cells: trial.cells, left });
    windowNote.textContent = t(trial.rate === undefined ? 'livep.window.closed' : 'livep.window.open', { warmup: trial.warmupSeconds, duration: trial.durationSeconds });
  }
  const p = status.now;
  nowLine.textContent =
    p === null
      ? ''
      : t('livep.lastSecond', {
          stage: t(STAGES[p.stage]),
          rps: formatRps(p.rps),
          p50: p.p50Us === null ? '—' : formatUs(p.p50Us),
          p99: p.p99Us === null ? '—' : formatUs(p.p99Us),
          errors: p.errors > 0 ? t('livep.errors', { n: p.errors }) : '',
        });
}

function applySnapshot(s: LiveSnapshot): void {
  plan.textContent = s.plan;
  cellTitle.textContent = s.cellName === null ? t('live.cell') : t('livep.cellNamed', { name: s.cellName });
  lines = s.lines.map((l: LiveTrialLine) => ({ ...l, points: [...l.points] }));
  cases.length = 0;
  casesBody.textContent = '';
  casesBody.append(noCase);
  addCases(s.cases);
  redrawCell();
  showStatus(s.status);
}

/** How a run ended, in words. */
const OUTCOMES: Readonly<Record<LiveEnd['outcome'], TextKey>> = { complete: 'livep.outcome.complete', interrupted: 'livep.outcome.interrupted', failed: 'livep.outcome.failed' };

function apply(event: LiveEvent): void {
  switch (event.type) {
    case 'snapshot':
      applySnapshot(event.snapshot);
      return;
    case 'status':
      break;
    case 'trial-start':
      if (event.newCell) lines = [];
      cellTitle.textContent = t('livep.cellNamed', { name: event.cellName });
      lines.push({ ...event.line, points: [...event.line.points] });
      redrawCell();
      break;
    case 'point':
      lines[lines.length - 1]?.points.push(event.point);
      redrawCell();
      break;
    case 'trial-end': {
      const last = lines[lines.length - 1];
      if (last !== undefined) last.result = event.result;
      redrawCell();
      break;
    }
    case 'cell-end':
      addCases(event.cases);
      break;
    case 'end':
      connection.textContent = t('livep.over', { outcome: t(OUTCOMES[event.end.outcome]), message: event.end.message });
      break;
  }
  showStatus(event.status);
}

const source = new EventSource('/events');
source.onopen = () => {
  connection.textContent = t('livep.following');
};
source.onmessage = (message: MessageEvent<string>) => {
  const event = JSON.parse(message.data) as LiveEvent; // from the bench of the same build (results/live-feed.ts)
  apply(event);
  // The bench closes the stream when the run ends: no reconnection to a server that is gone.
  if (event.type === 'end') source.close();
};
source.onerror = () => {
  if (source.readyState !== EventSource.CLOSED) connection.textContent = t('livep.lost');
};
