/** The comparison page: runs side by side, from the view built and tested in Node (reports/compare-view.ts). */
import type { CompareFigures, CompareRow, CompareView, CompareWorkload, ContradictionView } from '../views/compare-view.js';
import { chartBox, drawCharts } from './chart-draw.js';
import { anchor, contents, foldedSection, openOnNavigation } from './fold.js';
import { sectionId } from '../views/anchors.js';
import { clientsAxis, countAxis, coveringIntervals, intervalPlugin, legendOfDashes, levelsAxis, line, logAxis, tooltipTexts, type AxisOptions, type IntervalMarks, type LineConfig, type LineDataset } from './charts.js';
import { el, link, prose, readData, startPage, swatch, table } from './common.js';
import { currentLang, decimal, t, type TextKey } from '../../lib/lang/lang.js';

/** Colour tells the model, line style the run: the first run solid, then dashed, dotted, dash-dot. */
const RUN_DASH: readonly (readonly number[])[] = [[], [10, 5], [3, 3], [14, 4, 3, 4]];
const RUN_LINE: readonly TextKey[] = ['cmp.line.dashed', 'cmp.line.dotted', 'cmp.line.dashDot'];

const view = readData() as CompareView; // written by the renderer of the same build
const { app, styleFor } = startPage(view.models);
/** The locale of the charts' tick labels: the page's language. */
const chartLocale = (): string => (currentLang() === 'fr' ? 'fr-FR' : 'en-US');
/** The name of a run's line style: solid for the first, then dashed, dotted, dash-dot. */
const lineName = (i: number): string => (i === 0 ? t('cmp.line.solid') : t(RUN_LINE[(i - 1) % RUN_LINE.length] ?? 'cmp.line.dashed'));

app.append(el('h1', { text: view.title }));
app.append(el('p', { className: 'subtitle' }, [t('cmp.index'), link('../index.html', t('run.allRuns'))]));
if (view.warnings.length > 0) {
  app.append(
    el('section', { className: 'box warnings', 'data-section': 'warnings' }, [
      el('h3', { text: t('compare.readFirst') }),
      el('ul', {}, view.warnings.map((w) => el('li', { text: w }))),
    ]),
  );
}
app.append(
  table([t('idx.col.run'), t('cmp.col.started'), t('idx.col.machine'), 'Node.js', t('idx.col.profile'), t('idx.col.measured'), t('cmp.col.line')], view.runs.map((r, i) =>
    el('tr', {}, [
      el('td', { className: 'name', text: r.label + (r.complete ? '' : t('cmp.incomplete')) }),
      el('td', { className: 'name', text: r.startedAt }),
      el('td', { className: 'name', text: r.machine }),
      el('td', { className: 'name', text: r.node }),
      el('td', { className: 'name', text: r.profile }),
      el('td', { className: 'name', text: r.measured }),
      el('td', { className: 'name', text: lineName(i) }),
    ]),
  ), 'facts'),
);
app.append(contradictionsSection(view.opposite, view.unconfirmed, view.unchecked));
// The story: per workload, each run's throughput over the others' (a small chart), and their ratio in a sentence.
app.append(
  el('section', { className: 'story', 'data-section': 'glance' }, [
    el('div', { className: 'story-head' }, [
      el('h3', { text: t('cmp.glance') }),
      el('ul', { className: 'story-legend' }, [
        ...view.models.map((m) => el('li', {}, [swatch(styleFor(m.name).color), el('code', { text: m.name })])),
        el('li', { text: t('cmp.lineLegend', { list: view.runs.map((r, i) => `${r.label} ${lineName(i)}`).join(', ') }) }),
      ]),
    ]),
    el('div', { className: 'story-grid' }, view.workloads.map((w) =>
      el('article', { className: 'story-card', 'data-workload': w.name }, [
        el('h4', {}, [anchor(sectionId('closed', w.name), [el('code', { text: w.name })])]),
        chartBox('', '', miniOverlay(w), 'chart mini'),
        el('p', { className: 'story-sentence', text: w.story }),
      ]),
    )),
  ]),
);
app.append(contents(view.workloads.map((w) => ({ id: sectionId('closed', w.name), title: [t('run.workload'), el('code', { text: w.name })], line: w.description }))));
app.append(el('p', { className: 'note', text: t('cmp.ratiosNote') }));

for (const w of view.workloads) {
  app.append(foldedSection(sectionId('closed', w.name), [t('run.workload'), el('code', { text: w.name })], w.description, { 'data-workload': w.name }, [workloadSection(w)]));
}
drawCharts(app);
openOnNavigation();

/** The story's small chart of a workload: throughput by clients, a line per model and run (no legend, no whiskers). */
function miniOverlay(w: CompareWorkload): LineConfig {
  // A workload measured only at offered rates (the chat) is drawn by rate.
  if (w.rows.length === 0) {
    const rates = [...new Set(w.openRows.map((r) => r.rate))].sort((a, b) => a - b);
    const models = [...new Set(w.openRows.map((r) => r.model))];
    const byRate = models.flatMap((model) => view.runs.map((_, i) => rates.map((rate) => w.openRows.find((r) => r.model === model && r.rate === rate)?.runs[i])));
    const open = overlayChart(models, rates, levelsAxis(t('cmp.axis.offered'), rates), byRate, 'rps', { ...countAxis(t('cmp.axis.achieved')), grace: '10%', ticks: { maxTicksLimit: 4 } });
    return { ...open, options: { ...open.options, plugins: { ...open.options?.plugins, legend: { display: false } } }, plugins: [] };
  }
  const figures = w.models.flatMap((model) => view.runs.map((_, i) => w.connections.map((n) => w.rows.find((r) => r.model === model && r.connections === n)?.runs[i])));
  const config = overlayChart(w.models, w.connections, levelsAxis(t('chart.clients'), w.connections), figures, 'rps', { ...countAxis(t('chart.rps')), grace: '10%', ticks: { maxTicksLimit: 4 } });
  return { ...config, options: { ...config.options, plugins: { ...config.options?.plugins, legend: { display: false } } }, plugins: [] };
}

/** What the runs do not agree on: contradictions first, as such; then differences a second run did not confirm. */
function contradictionsSection(opposite: readonly ContradictionView[], unconfirmed: readonly ContradictionView[], unchecked: number): HTMLElement {
  const item = (c: ContradictionView): HTMLElement =>
    el('li', { 'data-workload': c.workload, 'data-connections': String(c.connections), 'data-a': c.a, 'data-b': c.b, 'data-kind': c.kind }, [
      el('ul', {}, c.sentences.map((s) => prose('li', t('cmp.runSaid', { label: s.label, text: s.text })))),
    ]);
  const section = el('section', { 'data-section': 'contradictions' }, [el('h2', { text: t('compare.agree') })]);
  const notChecked =
    unchecked === 0
      ? null
      : el('p', { className: 'note', 'data-unchecked': String(unchecked), text: t(unchecked === 1 ? 'cmp.unchecked.one' : 'cmp.unchecked.many', { n: unchecked }) });
  if (opposite.length === 0 && unconfirmed.length === 0) {
    section.append(el('p', { className: 'agree', text: t('cmp.allAgree') }), notChecked ?? '');
    return section;
  }
  section.append(
    el('div', { className: `box ${opposite.length > 0 ? 'failures' : 'agree'}`, 'data-kind': 'opposite' }, [
      el('h3', { text: opposite.length === 0 ? t('cmp.noOpposite') : t('cmp.opposite', { n: opposite.length }) }),
      opposite.length === 0 ? null : el('details', { className: 'contradiction-list', open: '' }, [el('summary', { text: t(opposite.length === 1 ? 'cmp.oppositePairs.one' : 'cmp.oppositePairs.many', { n: opposite.length }) }), el('ol', {}, opposite.map(item))]),
    ]),
  );
  if (unconfirmed.length > 0) {
    section.append(
      el('div', { className: 'box warnings', 'data-kind': 'unconfirmed' }, [
        el('h3', { text: t('cmp.unconfirmed', { n: unconfirmed.length }) }),
        el('details', { className: 'contradiction-list' }, [
          el('summary', { text: t('cmp.unconfirmedNote') }),
          el('ol', {}, unconfirmed.map(item)),
        ]),
      ]),
    );
  }
  if (notChecked !== null) section.append(notChecked);
  return section;
}

function workloadSection(w: CompareWorkload): HTMLElement {
  const section = el('div', { className: 'workload-body' });
  const figures = w.models.flatMap((model) => view.runs.map((_, i) => w.connections.map((n) => w.rows.find((r) => r.model === model && r.connections === n)?.runs[i])));
  const later = view.runs.slice(1);
  const headers = [t('cmp.col.model'), t('cmp.col.clients'), ...view.runs.map((r) => t('cmp.col.rps', { label: r.label })), ...later.map((r) => `× ${r.label}`), ...view.runs.map((r) => `p99 ${r.label}`), ...later.map((r) => `p99 × ${r.label}`)];
  const figure = (field: 'rps' | 'p99', f: CompareFigures, i: number): HTMLElement =>
    el('td', { 'data-field': field, 'data-run': String(i), 'data-value': f[field] === null ? '' : String(f[field]), text: f.failed ? t('cmp.failed') : f.text[field] });
  const ratio = (field: string, x: number | null): HTMLElement => el('td', { 'data-field': field, text: x === null ? '—' : `${decimal(x.toFixed(2))}×` });
  /** A row of either table: the model, its level (clients, or offered rate), each run's figures and the ratios. */
  const compareRow = (row: Omit<CompareRow, 'connections'>, level: number, levelAttribute: 'data-connections' | 'data-rate'): HTMLTableRowElement =>
    el('tr', { 'data-model': row.model, [levelAttribute]: String(level), className: row.runs.some((f) => f.failed) ? 'failed' : '' }, [
      el('td', { className: 'name' }, [swatch(styleFor(row.model).color), row.model]),
      el('td', { text: String(level) }),
      ...row.runs.map((f, i) => figure('rps', f, i)),
      ...row.rpsRatio.map((x) => ratio('rpsRatio', x)),
      ...row.runs.map((f, i) => figure('p99', f, i)),
      ...row.p99Ratio.map((x) => ratio('p99Ratio', x)),
    ]);
  // A workload with only open-loop cases (the chat at a rate) has nothing to draw by clients.
  if (w.rows.length > 0) {
    section.append(
      el('div', { className: 'charts' }, [
        chartBox(t('cmp.chart.rps'), t('cmp.chart.rpsNote'), overlayChart(w.models, w.connections.map(String), clientsAxis, figures, 'rps', countAxis(t('cmp.axis.requests')))),
        // No p99 chart where no case holds one (every p99 of fewer than 1,000 answers is the max of n, not drawn).
        ...(figures.some((l) => l.some((f) => f?.p99 !== null && f?.p99 !== undefined)) ? [chartBox(t('cmp.chart.p99'), t('cmp.chart.p99Note'), overlayChart(w.models, w.connections.map(String), clientsAxis, figures, 'p99', logAxis(t('cmp.axis.p99'))))] : []),
      ]),
    );
    const rows = w.rows.map((row) => compareRow(row, row.connections, 'data-connections'));
    section.append(table(headers, rows, 'numbers'));
  }
  if (w.openRows.length > 0) {
    section.append(el('h3', { text: t('cmp.open') }));
    section.append(el('p', { className: 'note', text: t('cmp.openNote') }));
    const openHeaders = [t('cmp.col.model'), t('chart.offered'), ...view.runs.map((r) => t('cmp.col.achieved', { label: r.label })), ...later.map((r) => `× ${r.label}`), ...view.runs.map((r) => `p99 ${r.label}`), ...later.map((r) => `p99 × ${r.label}`)];
    const openRows = w.openRows.map((row) => compareRow(row, row.rate, 'data-rate'));
    // The hockey sticks of the runs over each other: the rate where one run's latency turns up is the capacity it saw.
    const rates = [...new Set(w.openRows.map((r) => r.rate))].sort((a, b) => a - b);
    const openModels = [...new Set(w.openRows.map((r) => r.model))];
    const openFigures = openModels.flatMap((model) => view.runs.map((_, i) => rates.map((rate) => w.openRows.find((r) => r.model === model && r.rate === rate)?.runs[i])));
    // A numeric axis, as on the run page: rates sit at their values (100 twice as far along as 50, on a log scale).
    const rateAxis = levelsAxis(t('cmp.axis.offeredRequests'), rates);
    section.append(
      el('div', { className: 'charts', 'data-charts': 'open' }, [
        chartBox(t('cmp.chart.achieved'), t('cmp.chart.achievedNote'), overlayChart(openModels, rates, rateAxis, openFigures, 'rps', countAxis(t('cmp.axis.answered')))),
        chartBox(t('cmp.chart.hockey'), t('cmp.chart.hockeyNote'), overlayChart(openModels, rates, rateAxis, openFigures, 'p99', logAxis(t('cmp.axis.p99')))),
      ]),
    );
    section.append(table(openHeaders, openRows, 'numbers open'));
  }
  return section;
}

/**
 * One line per model and run over the levels (clients, or offered rates): the model's colour and point, the run's
 * dash, with whiskers where a run has an interval and an arrow where a latency is a lower bound.
 */
function overlayChart(models: readonly string[], levels: readonly string[] | readonly number[], xAxis: AxisOptions, figures: readonly (readonly (CompareFigures | undefined)[])[], field: 'rps' | 'p99', axis: AxisOptions): LineConfig {
  // Text levels are categories (clients, evenly spaced); numbers sit at their values on the axis (offered rates).
  const numeric = levels.every((l): l is number => typeof l === 'number');
  const datasets: LineDataset[] = models.flatMap((model, m) =>
    view.runs.map((run, i) => {
      const values = (figures[m * view.runs.length + i] ?? []).map((f) => f?.[field] ?? null);
      const pts = numeric ? values.map((y, k) => ({ x: levels[k] ?? 0, y: y ?? Number.NaN })) : values;
      return line(`${model} · ${run.label}`, pts, { ...styleFor(model), dash: RUN_DASH[i % RUN_DASH.length] ?? [] });
    }),
  );
  const marks: IntervalMarks = {
    intervals: figures.map((l) => l.map((f) => (f === undefined ? null : field === 'rps' ? f.rpsInterval : f.latencyLowerBound ? null : f.p99Interval))),
    lowerBounds: figures.map((l) => l.map((f) => field === 'p99' && f !== undefined && f.latencyLowerBound && f.p99 !== null)),
  };
  return {
    type: 'line',
    data: numeric ? { datasets } : { labels: levels.map(String), datasets },
    options: {
      // Tick labels written the page's way ("1 000", "0,5" in French).
      locale: chartLocale(),
      plugins: {
        tooltip: tooltipTexts(figures.map((l) => l.map((f) => f?.text[field] ?? '—'))),
        // The legend draws each line's dash (the run), not its point: colour already tells the model.
        legend: legendOfDashes,
      },
      // Room at both ends: the first and last points (and their whiskers) sit inside the plot, not on its edge.
      scales: { x: numeric ? xAxis : { ...xAxis, offset: true }, y: coveringIntervals(axis, marks) },
    },
    plugins: [intervalPlugin(marks)],
  };
}
