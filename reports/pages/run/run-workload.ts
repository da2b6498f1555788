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
import { t } from '../../../lib/lang/lang.js';

/** The body of a workload's folded section (its title and headline are the fold's summary). */
export function workloadSection(w: WorkloadView, styleFor: (model: string) => ModelStyle): HTMLElement {
  const labels = w.connections.map(String);
  const cellAt = (cells: readonly CellView[]): CellView | undefined => cells.find((c) => c.connections === w.distributionAt);
  const datasets = (f: (c: CellView) => number | null): ReturnType<typeof line>[] => w.series.map((s) => line(s.model, s.cells.map(f), styleFor(s.model)));
  const theory = w.theory;
  /** Theory's dashed line of one figure per model, after the measured ones (the whiskers skip them). */
  const theoryDatasets = (f: (p: TheoryPoint) => number): LineDataset[] => (theory === null ? [] : theory.models.map((m) => theoryLine(m.model, m.curve.map((p) => ({ x: p.x, y: f(p) })), styleFor(m.model))));
  const theoryTexts = (f: (p: TheoryPoint) => string): string[][] => (theory === null ? [] : theory.models.map((m) => m.curve.map((p) => `theory at ${p.x}: ${f(p)}`)));
  /** A chart of one figure per model and clients, with its intervals and "≥" marks, theory's line, and tooltips that say them. */
  const withIntervals = (field: 'rps' | 'p50' | 'p99' | 'mean', axis: ReturnType<typeof logAxis>): LineConfig => {
    const marks: IntervalMarks = {
      intervals: w.series.map((s) => s.cells.map((c) => (field === 'rps' ? c.rpsInterval : c.latencyLowerBound || field === 'mean' ? null : field === 'p50' ? c.p50Interval : c.p99Interval))),
      lowerBounds: w.series.map((s) => s.cells.map((c) => field !== 'rps' && c.latencyLowerBound && c[field] !== null)),
    };
    const measured = w.series.map((s) => line(s.model, s.cells.map((c) => ({ x: c.connections, y: c[field] ?? Number.NaN })), styleFor(s.model)));
    const texts = w.series.map((s) => s.cells.map((c) => (field === 'mean' ? (c.mean === null ? '—' : `${c.latencyLowerBound ? '≥ ' : ''}${formatUs(c.mean)}`) : [c.text[field], c.range[field]].filter((t) => t !== '').join(' · '))));
    const predicted = field === 'rps' ? theoryDatasets((p) => p.rps) : theoryDatasets((p) => p.meanLatencyUs);
    const predictedTexts = field === 'rps' ? theoryTexts((p) => `${formatRps(p.rps)} req/s`) : theoryTexts((p) => `mean ${formatUs(p.meanLatencyUs)}`);
    const knees = field !== 'rps' || theory === null ? [] : theory.models.map((m) => kneeMarker(m.model, { x: m.knee, y: m.kneeRps }, styleFor(m.model)));
    const kneeTexts = field !== 'rps' || theory === null ? [] : theory.models.map((m) => [`knee N* ≈ ${m.knee} client${m.knee === 1 ? '' : 's'} (bottleneck: ${m.bottleneck})`]);
    return {
      type: 'line',
      data: { datasets: [...measured, ...predicted, ...knees] },
      options: { plugins: { legend: legendWithoutTheory, tooltip: tooltipTexts([...texts, ...predictedTexts, ...kneeTexts]) }, scales: { x: levelsAxis('concurrent clients', w.connections), y: coveringIntervals(axis, marks) } },
      plugins: [intervalPlugin(marks)],
    };
  };

  const section = el('div', { className: 'workload-body' }, [
    el('p', { text: t('run.requests') }, w.paths.map((p, i) => el('code', { text: (i > 0 ? ' ' : '') + p }))),
    prose('p', w.headline, { className: 'headline' }),
  ]);
  if (w.lostUpdatesNote !== null) section.append(el('p', { className: 'lost-updates-note', text: w.lostUpdatesNote }));
  const theoryNote = theory === null ? '' : ' Thin dashed: theory (mean value analysis from the 1-client demands).';
  const charts = [
    chartBox('Throughput (requests per second)', `Higher is better. Median of the trials; whiskers: 95% interval.${theoryNote}${theory === null ? '' : ' △: the knee N*, where adding clients stops adding throughput.'}`, withIntervals('rps', countAxis('requests / s'))),
    chartBox('Mean latency, measured and predicted', `Log scale. All used trials’ requests together; arrow up: a lower bound (≥).${theoryNote}`, withIntervals('mean', logAxis('mean latency'))),
    chartBox('Median latency (p50)', 'Log scale. Whiskers: 95% interval; arrow up: a lower bound (≥). Thin dashed: theory’s mean, for scale.', withIntervals('p50', logAxis('p50 latency'))),
    chartBox('Tail latency (p99)', 'One request in a hundred waited at least this long. Log scale; arrow up: ≥. Thin dashed: theory’s mean, for scale.', withIntervals('p99', logAxis('p99 latency'))),
  ];
  const lowerAt = w.series.filter((s) => cellAt(s.cells)?.latencyLowerBound === true).map((s) => s.model);
  // Only where some model has a distribution to draw (a version-1 file has none): an empty chart says nothing.
  if (w.distributionAt !== null && w.series.some((s) => (cellAt(s.cells)?.distribution.length ?? 0) > 0)) {
    charts.push(
      chartBox(`Latency distribution at ${w.distributionAt} clients`, `HDR plot of every used trial together: the right end is the worst requests. Both axes log.${lowerAt.length === 0 ? '' : ` A lower bound (≥, the real latencies are higher): ${lowerAt.join(', ')}.`}`, {
        type: 'line',
        data: {
          datasets: w.series.map((s) => {
            const pts = (cellAt(s.cells)?.distribution ?? []).filter((d) => d.percentile < 100).map((d) => ({ x: percentileX(d.percentile), y: d.us }));
            return line(s.model, pts, styleFor(s.model), 2);
          }),
        },
        options: { plugins: { tooltip: latencyTooltip }, scales: { x: percentileAxis(), y: logAxis('latency') } },
      }),
    );
  }
  charts.push(
    chartBox('Server CPU (% of one core)', 'The whole process tree: pool threads and cluster processes included. Median of the trials.', {
      type: 'line',
      data: { labels, datasets: datasets((c) => c.serverCpuPercent) },
      options: { scales: { x: clientsAxis, y: countAxis('% of one core') } },
    }),
  );
  const peaks = w.series.map((s) => {
    const values = s.cells.map((c) => c.serverRssPeakBytes).filter((v) => v !== null);
    return values.length > 0 ? Math.max(...values) / 1048576 : null;
  });
  charts.push(
    chartBox('Peak memory (resident, MiB)', 'Largest resident memory of the whole server, over all clients levels.', {
      type: 'bar',
      data: { labels: w.series.map((s) => s.model), datasets: [{ label: 'peak RSS (MiB)', data: peaks, backgroundColor: w.series.map((s) => styleFor(s.model).color) }] },
      options: { plugins: { legend: { display: false } }, scales: { y: countAxis('MiB') } },
    }),
  );
  section.append(el('div', { className: 'charts' }, charts));

  if (theory !== null) section.append(theoryBox(theory.summary, theory.models.map((m) => ({ model: m.model, text: m.demands })), theory.disagreements));
  if (w.conclusions.length > 0) section.append(conclusionsBlock(w));

  section.append(el('h3', { text: t('run.numbers') }));
  // The session workload adds its lost updates, its main number: beside the clients, before the scroll.
  const lost = w.lostUpdatesNote !== null;
  const rows = w.series.flatMap((s) => s.cells.filter((c) => c.runs > 0).map((c) => numbersRow(c, styleFor(s.model).color, lost)));
  section.append(table(['model', 'clients', ...(lost ? ['lost updates'] : []), 'req/s', 'p50', 'p99', 'p99.9', 'trials', 'server CPU', 'peak RSS', 'client CPU', 'served by', 'errors / timeouts / non-2xx', 'theory req/s', 'vs theory', 'status'], rows, 'numbers'));
  if (w.lowerBounds.length > 0) {
    section.append(
      el('div', { className: 'box warnings lower-bounds', 'data-section': 'lower-bounds' }, [
        el('strong', { text: '≥ — latency shown as a lower bound:' }),
        el('ul', {}, w.lowerBounds.map((b) => el('li', {}, [el('code', { text: `${b.model} · ${b.connections}` }), ` ${b.message}`]))),
      ]),
    );
  }

  if (w.trials.length > 0) section.append(trialsTable(w, styleFor));

  const withDist = w.series.flatMap((s) => {
    const c = cellAt(s.cells);
    return c !== undefined && c.distribution.length > 0 ? [{ model: s.model, cell: c }] : [];
  });
  const first = withDist[0];
  if (w.distributionAt !== null && first !== undefined) {
    const distribution = el('details', { className: 'distribution-table' }, [el('summary', { text: `Latency distribution at ${w.distributionAt} clients, as numbers` })]);
    const percentiles = first.cell.distribution.map((d) => d.percentile);
    const distributionRows = percentiles.map((p, i) =>
      el('tr', {}, [
        el('td', { className: 'name', text: `${p}%` }),
        ...withDist.map((x) => {
          const d = x.cell.distribution[i];
          const lower = x.cell.latencyLowerBound ? '≥ ' : '';
          return el('td', { 'data-field': 'distribution', 'data-value': d === undefined ? '' : String(d.us), text: d === undefined ? '—' : lower + formatUs(d.us) });
        }),
      ]),
    );
    distribution.append(table(['percentile', ...withDist.map((x) => x.model)], distributionRows, 'distribution'));
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
  const clients = (n: number): string => `${n} client${n === 1 ? '' : 's'}`;
  return el('div', { className: 'conclusions', 'data-section': 'conclusions' }, [
    el('h3', { text: `What this run concludes${shown === undefined ? '' : ` at ${clients(shown.connections)}`}` }),
    el('p', { className: 'note', text: 'Each pair of models, compared round by round (the trials that ran side by side): a difference is claimed only where the 95% interval of the ratio lies wholly beyond 5% (smaller differences come and go between runs on a shared machine); greyed: no measurable difference.' }),
    shown === undefined ? null : group(shown),
    ...others.map((g) => el('details', { className: 'conclusions-more' }, [el('summary', { text: `At ${clients(g.connections)} (${g.items.length} pairs)` }), group(g)])),
  ]);
}

/** Every trial in the order it ran; marked ones stand out, with their reasons and what re-measured them. */
function trialsTable(w: WorkloadView, styleFor: (model: string) => ModelStyle): HTMLElement {
  const notable = w.trials.some((t) => t.marked.length > 0 || t.status === 'failed');
  const details = el('details', { className: 'trials', 'data-section': 'trials' }, [prose('summary', w.trialsSummary)]);
  details.open = notable;
  const rows = w.trials.map((t: TrialRowView) => {
    const marked = t.marked.length > 0;
    return el('tr', { className: [marked ? 'marked' : '', t.status === 'failed' ? 'failed' : '', t.used ? '' : 'unused'].join(' ').trim(), 'data-model': t.model, 'data-connections': String(t.connections), 'data-trial': String(t.number) }, [
      el('td', { className: 'name' }, [swatch(styleFor(t.model).color), t.model]),
      el('td', { text: String(t.connections) }),
      el('td', { text: `#${t.number}` }),
      el('td', { text: String(t.round) }),
      el('td', { text: String(t.order + 1) }),
      el('td', { 'data-field': 'rps', 'data-value': t.rps === null ? '' : String(t.rps), text: t.text.rps }),
      el('td', { 'data-field': 'p50', 'data-value': t.p50 === null ? '' : String(t.p50), text: t.text.p50 }),
      el('td', { 'data-field': 'p99', 'data-value': t.p99 === null ? '' : String(t.p99), text: t.text.p99 }),
      el('td', { 'data-field': 'ramp', text: t.text.ramp }),
      el('td', { 'data-field': 'background', text: t.text.background }),
      el('td', { className: 'name', 'data-field': 'marked', text: marked ? `⚑ ${t.text.marked}` : '' }),
      el('td', { className: 'name', 'data-field': 'retry', text: t.text.retry }),
      el('td', { 'data-field': 'used', text: t.text.used }),
    ]);
  });
  details.append(
    el('p', { className: 'note', text: 'Order: position in the round (the models of a cell take turns in a shuffled order each round). All in after: how long from the start of the load until every client had its first answer; the window opens only then (a busy event loop lets in one new connection per turn of its loop). ⚑: taken while the machine was busy or slower; such a trial is retried once where the time budget allows, and left out of the estimate when enough clean trials remain.' }),
    table(['model', 'clients', 'trial', 'round', 'order', 'req/s', 'p50', 'p99', 'all in after', 'background CPU', 'marked', 'retry', 'used'], rows, 'numbers trials-table'),
  );
  return details;
}

/** One row of the numbers table: each figure as text, and its exact value in data-value for the tests. */
function numbersRow(c: CellView, color: string, lostUpdates: boolean): HTMLTableRowElement {
  const failed = c.rps === null && c.failed.length > 0;
  const status = failed ? `failed: ${c.failed.join('; ')}` : c.failed.length > 0 ? `${c.failed.length} of ${c.runs} trials failed: ${c.failed.join('; ')}` : 'ok';
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
