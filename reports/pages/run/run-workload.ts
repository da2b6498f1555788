/** A workload's section of the run page: its charts, theory, conclusions, numbers and trials. */
import { formatRps, formatUs } from '../../../lib/format.js';
import type { CellView } from '../../views/cell-view.js';
import type { ModelStyle } from '../../views/palette.js';
import type { TheoryPoint } from '../../views/theory-view.js';
import type { TrialRowView } from '../../views/run/trials-view.js';
import type { WorkloadView } from '../../views/run/workload-view.js';
import { chartBox } from '../chart-draw.js';
import {
  clientsAxis,
  countAxis,
  coveringIntervals,
  intervalPlugin,
  kneeMarker,
  latencyTooltip,
  legendWithoutTheory,
  levelsAxis,
  line,
  theoryLine,
  type LineDataset,
  logAxis,
  percentileAxis,
  percentileX,
  tooltipTexts,
  type IntervalMarks,
  type LineConfig,
} from '../charts.js';
import { el, numberCell, prose, swatch, table } from '../common.js';
import { theoryBox } from './theory-box.js';
import { timelineBox } from './run-timeline.js';
import { t } from '../../../lib/lang/lang.js';
import { counted } from '../../views/figures.js';
import { percentileText } from '../charts.js';

/** The body of a workload's folded section (its title and headline are the fold's summary). */
export function workloadSection(w: WorkloadView, styleFor: (model: string) => ModelStyle): HTMLElement {
  const labels = w.connections.map(String);
  const cellAt = (cells: readonly CellView[]): CellView | undefined => cells.find((c) => c.connections === w.distributionAt);
  const datasets = (f: (c: CellView) => number | null): ReturnType<typeof line>[] => w.series.map((s) => line(s.model, s.cells.map(f), styleFor(s.model)));
  const theory = w.theory;
  /** Theory's dashed line of one figure per model, after the measured ones (the whiskers skip them). */
  const theoryDatasets = (f: (p: TheoryPoint) => number): LineDataset[] => (theory === null ? [] : theory.models.map((m) => theoryLine(m.model, m.curve.map((p) => ({ x: p.x, y: f(p) })), styleFor(m.model))));
  const theoryTexts = (f: (p: TheoryPoint) => string): string[][] => (theory === null ? [] : theory.models.map((m) => m.curve.map((p) => t('rp.tip.theoryAt', { at: p.x, value: f(p) }))));
  /** A chart of one figure per model and clients, with its intervals and "≥" marks, theory's line, and tooltips that say them. */
  const withIntervals = (field: 'rps' | 'p50' | 'p99' | 'mean', axis: ReturnType<typeof logAxis>): LineConfig => {
    const marks: IntervalMarks = {
      // No whisker where no point: a p99 of fewer than 1,000 answers is the max of n, not drawn as a p99.
      intervals: w.series.map((s) => s.cells.map((c) => (field === 'rps' ? c.rpsInterval : c.latencyLowerBound || field === 'mean' ? null : field === 'p50' ? c.p50Interval : c.p99 === null ? null : c.p99Interval))),
      lowerBounds: w.series.map((s) => s.cells.map((c) => field !== 'rps' && c.latencyLowerBound && c[field] !== null)),
    };
    const measured = w.series.map((s) => line(s.model, s.cells.map((c) => ({ x: c.connections, y: c[field] ?? Number.NaN })), styleFor(s.model)));
    const texts = w.series.map((s) => s.cells.map((c) => (field === 'mean' ? (c.mean === null ? '—' : `${c.latencyLowerBound ? '≥ ' : ''}${formatUs(c.mean)}`) : [c.text[field], c.range[field]].filter((x) => x !== '').join(' · '))));
    const predicted = field === 'rps' ? theoryDatasets((p) => p.rps) : theoryDatasets((p) => p.meanLatencyUs);
    const predictedTexts = field === 'rps' ? theoryTexts((p) => t('rp.tip.rps', { rps: formatRps(p.rps) })) : theoryTexts((p) => t('rp.tip.mean', { mean: formatUs(p.meanLatencyUs) }));
    const knees = field !== 'rps' || theory === null ? [] : theory.models.map((m) => kneeMarker(m.model, { x: m.knee, y: m.kneeRps }, styleFor(m.model)));
    const kneeTexts = field !== 'rps' || theory === null ? [] : theory.models.map((m) => [m.kneeLabel]);
    return {
      type: 'line',
      data: { datasets: [...measured, ...predicted, ...knees] },
      options: { plugins: { legend: legendWithoutTheory, tooltip: tooltipTexts([...texts, ...predictedTexts, ...kneeTexts]) }, scales: { x: levelsAxis(t('rp.axis.clients'), w.connections), y: coveringIntervals(axis, marks) } },
      plugins: [intervalPlugin(marks)],
    };
  };

  const section = el('div', { className: 'workload-body' }, [
    el('p', { text: t('run.requests') }, w.paths.map((p, i) => el('code', { text: (i > 0 ? ' ' : '') + p }))),
    prose('p', w.headline, { className: 'headline' }),
  ]);
  if (w.lostUpdatesNote !== null) section.append(el('p', { className: 'lost-updates-note', text: w.lostUpdatesNote }));
  if (w.historyNote !== null) section.append(el('p', { className: 'legend-note', 'data-section': 'history', text: w.historyNote }));
  const theoryNote = theory === null ? '' : ` ${t('rp.chart.theoryNote')}`;
  const charts = [
    chartBox(t('rp.chart.rps'), `${t('rp.chart.rpsNote')}${theoryNote}${theory === null ? '' : ` ${t('rp.chart.kneeNote')}`}`, withIntervals('rps', countAxis(t('rp.axis.rps')))),
    chartBox(t('rp.chart.mean'), `${t('rp.chart.meanNote')}${theoryNote}`, withIntervals('mean', logAxis(t('rp.axis.mean')))),
    chartBox(t('rp.chart.p50'), t('rp.chart.p50Note'), withIntervals('p50', logAxis(t('rp.axis.p50')))),
    chartBox(t('rp.chart.p99'), t('rp.chart.p99Note'), withIntervals('p99', logAxis(t('rp.axis.p99')))),
  ];
  const lowerAt = w.series.filter((s) => cellAt(s.cells)?.latencyLowerBound === true).map((s) => s.model);
  // Only where some model has a distribution to draw (a version-1 file has none): an empty chart says nothing.
  if (w.distributionAt !== null && w.series.some((s) => (cellAt(s.cells)?.distribution.length ?? 0) > 0)) {
    charts.push(
      chartBox(t('rp.chart.distribution', { clients: counted(w.distributionAt, 'rv.clients.one', 'rv.clients.many') }), `${t('rp.chart.distributionNote')}${lowerAt.length === 0 ? '' : ` ${t('rp.chart.lowerAt', { models: lowerAt.join(', ') })}`}`, {
        type: 'line',
        data: {
          datasets: w.series.map((s) => {
            const pts = (cellAt(s.cells)?.distribution ?? []).filter((d) => d.percentile < 100).map((d) => ({ x: percentileX(d.percentile), y: d.us }));
            return line(s.model, pts, styleFor(s.model), 2);
          }),
        },
        options: { plugins: { tooltip: latencyTooltip }, scales: { x: percentileAxis(), y: logAxis(t('rp.axis.latency')) } },
      }),
    );
  }
  charts.push(
    chartBox(t('rp.chart.cpu'), t('rp.chart.cpuNote'), {
      type: 'line',
      data: { labels, datasets: datasets((c) => c.serverCpuPercent) },
      options: { scales: { x: clientsAxis, y: countAxis(t('rp.axis.cpu')) } },
    }),
  );
  const peaks = w.series.map((s) => {
    const values = s.cells.map((c) => c.serverRssPeakBytes).filter((v) => v !== null);
    return values.length > 0 ? Math.max(...values) / 1048576 : null;
  });
  charts.push(
    chartBox(t('rp.chart.rss'), t('rp.chart.rssNote'), {
      type: 'bar',
      data: { labels: w.series.map((s) => s.model), datasets: [{ label: t('rp.chart.rssLabel'), data: peaks, backgroundColor: w.series.map((s) => styleFor(s.model).color) }] },
      options: { plugins: { legend: { display: false } }, scales: { y: countAxis(t('rp.axis.mib')) } },
    }),
  );
  section.append(el('div', { className: 'charts' }, charts));

  if (theory !== null) section.append(theoryBox(theory.summary, theory.models.map((m) => ({ model: m.model, text: m.demands })), theory.disagreements));
  if (w.conclusions.length > 0) section.append(conclusionsBlock(w));

  section.append(el('h3', { text: t('run.numbers') }));
  // The session workload adds its lost updates, its main number: beside the clients, before the scroll.
  const lost = w.lostUpdatesNote !== null;
  const rows = w.series.flatMap((s) => s.cells.filter((c) => c.runs > 0).map((c) => numbersRow(c, styleFor(s.model).color, lost)));
  section.append(
    table(
      [
        t('rp.col.model'),
        t('rp.col.clients'),
        ...(lost ? [t('rp.col.lostUpdates')] : []),
        t('rp.col.rps'),
        'p50',
        'p99',
        'p99.9',
        t('rp.col.trials'),
        t('rp.col.serverCpu'),
        t('rp.col.rss'),
        t('rp.col.clientCpu'),
        t('rp.col.servedBy'),
        t('rp.col.errors'),
        t('rp.col.theory'),
        t('rp.col.vsTheory'),
        t('rp.col.status'),
      ],
      rows,
      'numbers',
    ),
  );
  if (w.lowerBounds.length > 0) {
    section.append(
      el('div', { className: 'box warnings lower-bounds', 'data-section': 'lower-bounds' }, [
        el('strong', { text: t('rp.lowerBounds') }),
        el('ul', {}, w.lowerBounds.map((b) => el('li', {}, [el('code', { text: `${b.model} · ${b.connections}` }), ` ${b.message}`]))),
      ]),
    );
  }

  const timelines = timelineBox(w.timelines, styleFor);
  if (timelines !== null) section.append(timelines);
  if (w.trials.length > 0) section.append(trialsTable(w, styleFor));

  const withDist = w.series.flatMap((s) => {
    const c = cellAt(s.cells);
    return c !== undefined && c.distribution.length > 0 ? [{ model: s.model, cell: c }] : [];
  });
  const first = withDist[0];
  if (w.distributionAt !== null && first !== undefined) {
    const distribution = el('details', { className: 'distribution-table' }, [el('summary', { text: t('rp.distributionNumbers', { clients: counted(w.distributionAt, 'rv.clients.one', 'rv.clients.many') }) })]);
    const percentiles = first.cell.distribution.map((d) => d.percentile);
    const distributionRows = percentiles.map((p, i) =>
      el('tr', {}, [
        el('td', { className: 'name', text: percentileText(p) }),
        ...withDist.map((x) => {
          const d = x.cell.distribution[i];
          const lower = x.cell.latencyLowerBound ? '≥ ' : '';
          return el('td', { 'data-field': 'distribution', 'data-value': d === undefined ? '' : String(d.us), text: d === undefined ? '—' : lower + formatUs(d.us) });
        }),
      ]),
    );
    distribution.append(table([t('rp.axis.percentile'), ...withDist.map((x) => x.model)], distributionRows, 'distribution'));
    section.append(distribution);
  }
  return section;
}

/**
 * Every pair of models, per number of clients, as results/conclusions.ts says it. The level of the headline is
 * shown; the others are folded (a pair per line adds up: ten pairs per level with five models).
 */
function conclusionsBlock(w: WorkloadView): HTMLElement {
  const group = (g: WorkloadView['conclusions'][number]): HTMLElement =>
    el('div', { className: 'conclusion-group', 'data-connections': String(g.connections) }, [
      el('ul', {}, g.items.map((c) => prose('li', c.text, { className: `verdict-${c.verdict}`, 'data-verdict': c.verdict, 'data-a': c.a, 'data-b': c.b }))),
    ]);
  const shown = w.conclusions.find((g) => g.connections === w.distributionAt) ?? w.conclusions[w.conclusions.length - 1];
  const others = w.conclusions.filter((g) => g !== shown);
  const clients = (n: number): string => counted(n, 'rv.clients.one', 'rv.clients.many');
  return el('div', { className: 'conclusions', 'data-section': 'conclusions' }, [
    el('h3', { text: shown === undefined ? t('rp.concludes') : t('rp.concludesAt', { clients: clients(shown.connections) }) }),
    el('p', { className: 'note', text: t('rp.concludesNote') }),
    shown === undefined ? null : group(shown),
    ...others.map((g) => el('details', { className: 'conclusions-more' }, [el('summary', { text: counted(g.items.length, 'rp.pairsAt.one', 'rp.pairsAt.many', { clients: clients(g.connections) }) }), group(g)])),
  ]);
}

/** Every trial in the order it ran; marked ones stand out, with their reasons and what re-measured them. */
function trialsTable(w: WorkloadView, styleFor: (model: string) => ModelStyle): HTMLElement {
  const notable = w.trials.some((r) => r.marked.length > 0 || r.status === 'failed');
  // --agents: each trial's agents with their shares and CPU (the agents a trial had may change when one is lost).
  const agents = w.trials.some((r) => r.text.agents !== '—');
  const details = el('details', { className: 'trials', 'data-section': 'trials' }, [prose('summary', w.trialsSummary)]);
  details.open = notable;
  const rows = w.trials.map((r: TrialRowView) => {
    const marked = r.marked.length > 0;
    return el('tr', { className: [marked ? 'marked' : '', r.status === 'failed' ? 'failed' : '', r.used ? '' : 'unused'].join(' ').trim(), 'data-model': r.model, 'data-connections': String(r.connections), 'data-trial': String(r.number) }, [
      el('td', { className: 'name' }, [swatch(styleFor(r.model).color), r.model]),
      el('td', { text: String(r.connections) }),
      el('td', { text: `#${r.number}` }),
      el('td', { text: String(r.round) }),
      el('td', { text: String(r.order + 1) }),
      el('td', { 'data-field': 'rps', 'data-value': r.rps === null ? '' : String(r.rps), text: r.text.rps }),
      el('td', { 'data-field': 'p50', 'data-value': r.p50 === null ? '' : String(r.p50), text: r.text.p50 }),
      el('td', { 'data-field': 'p99', 'data-value': r.p99 === null ? '' : String(r.p99), text: r.text.p99 }),
      el('td', { 'data-field': 'ramp', text: r.text.ramp }),
      el('td', { 'data-field': 'background', text: r.text.background }),
      el('td', { className: 'name', 'data-field': 'marked', text: marked ? `⚑ ${r.text.marked}` : r.text.marked }),
      el('td', { className: 'name', 'data-field': 'retry', text: r.text.retry }),
      el('td', { 'data-field': 'used', text: r.text.used }),
      agents ? el('td', { className: 'name', 'data-field': 'agents', text: r.text.agents }) : null,
    ]);
  });
  details.append(
    el('p', { className: 'note', text: t('rp.trials.note') }),
    table(
      [t('rp.col.model'), t('rp.col.clients'), t('rp.col.trial'), t('rp.col.round'), t('rp.col.order'), t('rp.col.rps'), 'p50', 'p99', t('rp.col.allIn'), t('rp.col.background'), t('rp.col.marked'), t('rp.col.retry'), t('rp.col.used'), ...(agents ? [t('rp.col.agents')] : [])],
      rows,
      'numbers trials-table',
    ),
  );
  return details;
}

/** One row of the numbers table: each figure as text, and its exact value in data-value for the tests. */
function numbersRow(c: CellView, color: string, lostUpdates: boolean): HTMLTableRowElement {
  const failed = c.rps === null && c.failed.length > 0;
  const status = failed ? t('rv.failedWhy', { error: c.failed.join(t('rv.semicolon')) }) : c.failed.length > 0 ? t('rp.status.someFailed', { n: c.failed.length, runs: c.runs, errors: c.failed.join(t('rv.semicolon')) }) : t('rp.status.ok');
  return el('tr', { className: [failed ? 'failed' : '', c.latencyLowerBound ? 'lower-bound' : ''].join(' ').trim(), 'data-model': c.model, 'data-connections': String(c.connections) }, [
    el('td', { className: 'name' }, [swatch(color), c.model]),
    el('td', { text: String(c.connections) }),
    ...(lostUpdates ? [numberCell('lostUpdates', c.lostUpdates, c.text.lostUpdates)] : []),
    numberCell('rps', c.rps, c.text.rps),
    numberCell('p50', c.p50, c.text.p50),
    numberCell('p99', c.p99, c.text.p99),
    numberCell('p999', c.p999, c.text.p999),
    numberCell('trials', c.runs, c.text.trials),
    numberCell('serverCpuPercent', c.serverCpuPercent, c.text.cpu),
    numberCell('serverRssPeakBytes', c.serverRssPeakBytes, c.text.rss),
    numberCell('clientCpuPercent', c.clientCpuPercent, c.text.client),
    numberCell('servedBy', c.servedBy, c.servedBy === null ? '—' : String(c.servedBy)),
    numberCell('errors', c.errors + c.timeouts + c.non2xx, `${c.errors} / ${c.timeouts} / ${c.non2xx}`),
    numberCell('theory', c.predicted?.rps ?? null, c.text.theory),
    el('td', { 'data-field': 'theoryError', text: c.text.theoryError }),
    el('td', { className: 'name', 'data-field': 'status', text: status }),
  ]);
}
