/** The comparison page: runs side by side, from the view built and tested in Node (reports/compare-view.ts). */
import type { CompareFigures, CompareRow, CompareView, CompareWorkload, ContradictionView } from '../views/compare-view.js';
import { chartBox, drawCharts } from './chart-draw.js';
import { anchor, contents, foldedSection, openOnNavigation } from './fold.js';
import { sectionId } from '../views/anchors.js';
import { clientsAxis, countAxis, coveringIntervals, intervalPlugin, legendOfDashes, levelsAxis, line, logAxis, tooltipTexts, type AxisOptions, type IntervalMarks, type LineConfig, type LineDataset } from './charts.js';
import { el, link, prose, readData, startPage, swatch, table } from './common.js';
import { t } from '../../lib/lang/lang.js';

/** Colour tells the model, line style the run: the first run solid, then dashed, dotted, dash-dot. */
const RUN_DASH: readonly (readonly number[])[] = [[], [10, 5], [3, 3], [14, 4, 3, 4]];
const RUN_LINE: readonly string[] = ['dashed', 'dotted', 'dash-dot'];

const view = readData() as CompareView; // written by the renderer of the same build
const { app, styleFor } = startPage(view.models);

app.append(el('h1', { text: view.title }));
app.append(el('p', { className: 'subtitle' }, ['Index: ', link('../index.html', t('run.allRuns'))]));
if (view.warnings.length > 0) {
  app.append(
    el('section', { className: 'box warnings', 'data-section': 'warnings' }, [
      el('h3', { text: t('compare.readFirst') }),
      el('ul', {}, view.warnings.map((w) => el('li', { text: w }))),
    ]),
  );
}
app.append(
  table(['run', 'started', 'machine', 'Node.js', 'profile', 'measured as', 'line'], view.runs.map((r, i) =>
    el('tr', {}, [
      el('td', { className: 'name', text: r.label + (r.complete ? '' : ' (incomplete)') }),
      el('td', { className: 'name', text: r.startedAt }),
      el('td', { className: 'name', text: r.machine }),
      el('td', { className: 'name', text: r.node }),
      el('td', { className: 'name', text: r.profile }),
      el('td', { className: 'name', text: r.measured }),
      el('td', { className: 'name', text: i === 0 ? 'solid' : (RUN_LINE[(i - 1) % RUN_LINE.length] ?? '') }),
    ]),
  ), 'facts'),
);
app.append(contradictionsSection(view.opposite, view.unconfirmed, view.unchecked));
// The story: per workload, each run's throughput over the others' (a small chart), and their ratio in a sentence.
app.append(
  el('section', { className: 'story', 'data-section': 'glance' }, [
    el('div', { className: 'story-head' }, [
      el('h3', { text: 'Throughput against clients, run over run' }),
      el('ul', { className: 'story-legend' }, [
        ...view.models.map((m) => el('li', {}, [swatch(styleFor(m.name).color), el('code', { text: m.name })])),
        el('li', { text: `line: ${view.runs.map((r, i) => `${r.label} ${i === 0 ? 'solid' : (RUN_LINE[(i - 1) % RUN_LINE.length] ?? '')}`).join(', ')}` }),
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
app.append(contents(view.workloads.map((w) => ({ id: sectionId('closed', w.name), title: ['Workload ', el('code', { text: w.name })], line: w.description }))));
app.append(el('p', { className: 'note', text: 'Ratios compare each run with the first: for throughput, above 1 means more requests per second; for p99, above 1 means slower. ± is the half-width of a run’s 95% interval; ≥ marks a latency that misses some waiting.' }));

for (const w of view.workloads) {
  app.append(foldedSection(sectionId('closed', w.name), ['Workload ', el('code', { text: w.name })], w.description, { 'data-workload': w.name }, [workloadSection(w)]));
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
    const open = overlayChart(models, rates, levelsAxis('offered / s', rates), byRate, 'rps', { ...countAxis('achieved / s'), grace: '10%', ticks: { maxTicksLimit: 4 } });
    return { ...open, options: { ...open.options, plugins: { ...open.options?.plugins, legend: { display: false } } }, plugins: [] };
  }
  const figures = w.models.flatMap((model) => view.runs.map((_, i) => w.connections.map((n) => w.rows.find((r) => r.model === model && r.connections === n)?.runs[i])));
  const config = overlayChart(w.models, w.connections, levelsAxis('clients', w.connections), figures, 'rps', { ...countAxis('req/s'), grace: '10%', ticks: { maxTicksLimit: 4 } });
  return { ...config, options: { ...config.options, plugins: { ...config.options?.plugins, legend: { display: false } } }, plugins: [] };
}

/** What the runs do not agree on: contradictions first, as such; then differences a second run did not confirm. */
function contradictionsSection(opposite: readonly ContradictionView[], unconfirmed: readonly ContradictionView[], unchecked: number): HTMLElement {
  const item = (c: ContradictionView): HTMLElement =>
    el('li', { 'data-workload': c.workload, 'data-connections': String(c.connections), 'data-a': c.a, 'data-b': c.b, 'data-kind': c.kind }, [
      el('ul', {}, c.sentences.map((s) => prose('li', `Run ${s.label}: ${s.text}`))),
    ]);
  const section = el('section', { 'data-section': 'contradictions' }, [el('h2', { text: t('compare.agree') })]);
  const notChecked =
    unchecked === 0
      ? null
      : el('p', { className: 'note', 'data-unchecked': String(unchecked), text: `${unchecked} comparison${unchecked === 1 ? '' : 's'} of two models could not be checked: a run measured ${unchecked === 1 ? 'it' : 'them'} in one round only (no interval), so it can neither confirm nor contradict.` });
  if (opposite.length === 0 && unconfirmed.length === 0) {
    section.append(el('p', { className: 'agree', text: 'Every conclusion the runs could check agrees: no pair of models is faster in one run and slower, or not measurably different, in another.' }), notChecked ?? '');
    return section;
  }
  section.append(
    el('div', { className: `box ${opposite.length > 0 ? 'failures' : 'agree'}`, 'data-kind': 'opposite' }, [
      el('h3', { text: opposite.length === 0 ? 'No contradiction: no pair of models is faster in one run and slower in another' : `Contradictions (${opposite.length}): one run says faster, another slower` }),
      opposite.length === 0 ? null : el('details', { className: 'contradiction-list', open: '' }, [el('summary', { text: `The ${opposite.length} pair${opposite.length === 1 ? '' : 's'}, each run's sentence` }), el('ol', {}, opposite.map(item))]),
    ]),
  );
  if (unconfirmed.length > 0) {
    section.append(
      el('div', { className: 'box warnings', 'data-kind': 'unconfirmed' }, [
        el('h3', { text: `Not confirmed (${unconfirmed.length}): a difference in one run, none measurable in another` }),
        el('details', { className: 'contradiction-list' }, [
          el('summary', { text: 'Not a contradiction (“no measurable difference” does not claim that they are equal), but a difference that a second run did not confirm: do not teach it as a fact. The pairs:' }),
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
  const headers = ['model', 'clients', ...view.runs.map((r) => `req/s ${r.label}`), ...later.map((r) => `× ${r.label}`), ...view.runs.map((r) => `p99 ${r.label}`), ...later.map((r) => `p99 × ${r.label}`)];
  const figure = (field: 'rps' | 'p99', f: CompareFigures, i: number): HTMLElement =>
    el('td', { 'data-field': field, 'data-run': String(i), 'data-value': f[field] === null ? '' : String(f[field]), text: f.failed ? 'failed' : f.text[field] });
  const ratio = (field: string, x: number | null): HTMLElement => el('td', { 'data-field': field, text: x === null ? '—' : `${x.toFixed(2)}×` });
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
        chartBox('Throughput (requests per second)', 'Colour: model. Line style: run. Whiskers: 95% intervals.', overlayChart(w.models, w.connections.map(String), clientsAxis, figures, 'rps', countAxis('requests / s'))),
        chartBox('Tail latency (p99)', 'Log scale. Arrow up: a lower bound (≥).', overlayChart(w.models, w.connections.map(String), clientsAxis, figures, 'p99', logAxis('p99 latency'))),
      ]),
    );
    const rows = w.rows.map((row) => compareRow(row, row.connections, 'data-connections'));
    section.append(table(headers, rows, 'numbers'));
  }
  if (w.openRows.length > 0) {
    section.append(el('h3', { text: 'Open loop: at each offered rate' }));
    section.append(el('p', { className: 'note', text: 'Achieved: requests answered per second in the window. p99 counted from each request’s planned send time (corrected for coordinated omission).' }));
    const openHeaders = ['model', 'offered req/s', ...view.runs.map((r) => `achieved ${r.label}`), ...later.map((r) => `× ${r.label}`), ...view.runs.map((r) => `p99 ${r.label}`), ...later.map((r) => `p99 × ${r.label}`)];
    const openRows = w.openRows.map((row) => compareRow(row, row.rate, 'data-rate'));
    // The hockey sticks of the runs over each other: the rate where one run's latency turns up is the capacity it saw.
    const rates = [...new Set(w.openRows.map((r) => r.rate))].sort((a, b) => a - b);
    const openModels = [...new Set(w.openRows.map((r) => r.model))];
    const openFigures = openModels.flatMap((model) => view.runs.map((_, i) => rates.map((rate) => w.openRows.find((r) => r.model === model && r.rate === rate)?.runs[i])));
    // A numeric axis, as on the run page: rates sit at their values (100 twice as far along as 50, on a log scale).
    const rateAxis = levelsAxis('offered requests / s', rates);
    section.append(
      el('div', { className: 'charts', 'data-charts': 'open' }, [
        chartBox('Open loop: achieved against offered', 'Colour: model. Line style: run. Past its capacity a server answers no more, whatever is offered.', overlayChart(openModels, rates, rateAxis, openFigures, 'rps', countAxis('answered requests / s'))),
        chartBox('Open loop: p99 against offered rate', 'Log scales, p99 from the planned send. The hockey stick: flat while the server keeps up, then up.', overlayChart(openModels, rates, rateAxis, openFigures, 'p99', logAxis('p99 latency'))),
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
