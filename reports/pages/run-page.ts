/** The run page: draws the view built and tested in Node (reports/run-view.ts); it computes nothing itself. */
import { formatUs } from '../../results/format.js';
import type { CellView, RunView, WorkloadView } from '../run-view.js';
import type { ModelStyle } from '../palette.js';
import { chartBox, clientsAxis, countAxis, drawCharts, latencyTooltip, line, logAxis, percentileAxis, percentileX, throughputTooltip, type LineDataset } from './charts.js';
import { el, link, prose, readData, startPage, swatch, table } from './common.js';

const view = readData() as RunView; // written by the renderer of the same build
const { app, styleFor } = startPage(view.models);

app.append(el('h1', { text: view.title }));
app.append(el('p', { className: 'subtitle', text: `Run ${view.runId}` }, view.indexHref === null ? [] : [' · ', link(view.indexHref, 'all runs')]));
if (!view.complete) app.append(el('p', { className: 'banner', text: 'Incomplete run: it was interrupted, and only the cases below finished.' }));

app.append(el('section', { className: 'box glance', 'data-section': 'glance' }, [el('h3', { text: 'At a glance' }), el('ul', {}, view.headlines.map((h) => prose('li', h)))]));
if (view.warnings.length > 0) {
  app.append(
    el('section', { className: 'box warnings', 'data-section': 'warnings' }, [
      el('h3', { text: 'Warnings: read the numbers with these in mind' }),
      el('ul', {}, view.warnings.map((w) => el('li', { text: w }))),
    ]),
  );
}
if (view.failed.length > 0) {
  app.append(
    el('section', { className: 'box failures', 'data-section': 'failed' }, [
      el('h3', { text: `Failed cases (${view.failed.length})` }),
      el('ul', {}, view.failed.map((f) => el('li', { text: f }))),
    ]),
  );
}

app.append(el('h2', { text: 'Machine and options' }));
app.append(table(null, view.facts.map(([name, value]) => el('tr', {}, [el('th', { className: 'name', text: name }), el('td', { className: 'name', text: value })])), 'facts'));

app.append(el('h2', { text: 'The models' }));
app.append(
  el('div', { className: 'models' }, view.models.map((m) => {
    const box = el('div', { className: 'model' }, [el('h3', {}, [swatch(m.color), el('code', { text: m.name }), ` — ${m.summary}`]), prose('p', m.paragraph)]);
    box.style.borderTopColor = m.color;
    return box;
  })),
);

for (const w of view.workloads) app.append(workloadSection(w, styleFor));
drawCharts(app);

function workloadSection(w: WorkloadView, styleFor: (model: string) => ModelStyle): HTMLElement {
  const labels = w.connections.map(String);
  const points = (field: 'rps' | 'p50' | 'p99' | 'serverCpuPercent'): LineDataset[] =>
    w.series.map((s) => line(s.model, s.cells.map((c) => c[field]), styleFor(s.model)));
  const cellAt = (cells: readonly CellView[]): CellView | undefined => cells.find((c) => c.connections === w.distributionAt);

  const section = el('section', { 'data-workload': w.name }, [
    el('h2', {}, ['Workload ', el('code', { text: w.name })]),
    el('p', { text: `${w.description} — ` }, w.paths.map((p, i) => el('code', { text: (i > 0 ? ' ' : '') + p }))),
    prose('p', w.headline, { className: 'headline' }),
  ]);
  const charts = [
    chartBox('Throughput (requests per second)', 'Higher is better. Mean over repeats.', {
      type: 'line',
      data: { labels, datasets: points('rps') },
      options: { plugins: { tooltip: throughputTooltip }, scales: { x: clientsAxis, y: countAxis('requests / s') } },
    }),
    chartBox('Median latency (p50)', 'Log scale: each labelled power of ten is ten times the one below.', {
      type: 'line',
      data: { labels, datasets: points('p50') },
      options: { plugins: { tooltip: latencyTooltip }, scales: { x: clientsAxis, y: logAxis('p50 latency') } },
    }),
    chartBox('Tail latency (p99)', 'One request in a hundred waited at least this long. Log scale.', {
      type: 'line',
      data: { labels, datasets: points('p99') },
      options: { plugins: { tooltip: latencyTooltip }, scales: { x: clientsAxis, y: logAxis('p99 latency') } },
    }),
  ];
  if (w.distributionAt !== null) {
    charts.push(
      chartBox(`Latency distribution at ${w.distributionAt} clients`, 'HDR plot: the right end is the worst requests. Both axes log.', {
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
    chartBox('Server CPU (% of one core)', 'The whole process tree: pool threads and cluster processes included.', {
      type: 'line',
      data: { labels, datasets: points('serverCpuPercent') },
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

  section.append(el('h3', { text: 'The numbers behind the charts' }));
  const rows = w.series.flatMap((s) => s.cells.filter((c) => c.runs > 0).map((c) => numbersRow(c, styleFor(s.model).color)));
  section.append(table(['model', 'clients', 'req/s', 'p50', 'p99', 'p99.9', 'server CPU', 'peak RSS', 'client CPU', 'served by', 'errors / timeouts / non-2xx', 'status'], rows, 'numbers'));

  const withDist = w.series.flatMap((s) => {
    const c = cellAt(s.cells);
    return c !== undefined && c.distribution.length > 0 ? [{ model: s.model, cell: c }] : [];
  });
  const first = withDist[0];
  if (w.distributionAt !== null && first !== undefined) {
    section.append(el('h3', { text: `Latency distribution at ${w.distributionAt} clients` }));
    const percentiles = first.cell.distribution.map((d) => d.percentile);
    const distributionRows = percentiles.map((p, i) =>
      el('tr', {}, [
        el('td', { className: 'name', text: `${p}%` }),
        ...withDist.map((x) => {
          const d = x.cell.distribution[i];
          return el('td', { 'data-field': 'distribution', 'data-value': d === undefined ? '' : String(d.us), text: d === undefined ? '—' : formatUs(d.us) });
        }),
      ]),
    );
    section.append(table(['percentile', ...withDist.map((x) => x.model)], distributionRows, 'distribution'));
  }
  return section;
}

/** One row of the numbers table: each figure as text, and its exact value in data-value for the tests. */
function numbersRow(c: CellView, color: string): HTMLTableRowElement {
  const failed = c.rps === null && c.failed.length > 0;
  const status = failed ? `failed: ${c.failed.join('; ')}` : c.failed.length > 0 ? `${c.failed.length} of ${c.runs} failed: ${c.failed.join('; ')}` : 'ok';
  const num = (field: string, value: number | null, text: string): HTMLElement => el('td', { 'data-field': field, 'data-value': value === null ? '' : String(value), text });
  return el('tr', { className: failed ? 'failed' : '', 'data-model': c.model, 'data-connections': String(c.connections) }, [
    el('td', { className: 'name' }, [swatch(color), c.model]),
    el('td', { text: String(c.connections) }),
    num('rps', c.rps, c.text.rps),
    num('p50', c.p50, c.text.p50),
    num('p99', c.p99, c.text.p99),
    num('p999', c.p999, c.text.p999),
    num('serverCpuPercent', c.serverCpuPercent, c.text.cpu),
    num('serverRssPeakBytes', c.serverRssPeakBytes, c.text.rss),
    num('clientCpuPercent', c.clientCpuPercent, c.text.client),
    num('servedBy', c.servedBy, c.servedBy === null ? '—' : String(c.servedBy)),
    num('errors', c.errors + c.timeouts + c.non2xx, `${c.errors} / ${c.timeouts} / ${c.non2xx}`),
    el('td', { className: 'name', 'data-field': 'status', text: status }),
  ]);
}
