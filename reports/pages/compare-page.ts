/** The comparison page: runs side by side, from the view built and tested in Node (reports/compare-view.ts). */
import type { CompareFigures, CompareView, CompareWorkload } from '../compare-view.js';
import { chartBox, clientsAxis, countAxis, drawCharts, latencyTooltip, line, logAxis, throughputTooltip, type LineDataset } from './charts.js';
import { el, link, readData, startPage, swatch, table } from './common.js';

/** Colour tells the model, line style the run: the first run solid, then dashed, dotted, dash-dot. */
const RUN_DASH: readonly (readonly number[])[] = [[], [10, 5], [3, 3], [14, 4, 3, 4]];
const RUN_LINE: readonly string[] = ['dashed', 'dotted', 'dash-dot'];

const view = readData() as CompareView; // written by the renderer of the same build
const { app, styleFor } = startPage(view.models);

app.append(el('h1', { text: view.title }));
app.append(el('p', { className: 'subtitle' }, ['Index: ', link('../index.html', 'all runs')]));
if (view.warnings.length > 0) {
  app.append(
    el('section', { className: 'box warnings', 'data-section': 'warnings' }, [
      el('h3', { text: 'Read this before comparing' }),
      el('ul', {}, view.warnings.map((w) => el('li', { text: w }))),
    ]),
  );
}
app.append(
  table(['run', 'started', 'machine', 'Node.js', 'profile', 'line'], view.runs.map((r, i) =>
    el('tr', {}, [
      el('td', { className: 'name', text: r.label + (r.complete ? '' : ' (incomplete)') }),
      el('td', { className: 'name', text: r.startedAt }),
      el('td', { className: 'name', text: r.machine }),
      el('td', { className: 'name', text: r.node }),
      el('td', { className: 'name', text: r.profile }),
      el('td', { className: 'name', text: i === 0 ? 'solid' : (RUN_LINE[(i - 1) % RUN_LINE.length] ?? '') }),
    ]),
  ), 'facts'),
);
app.append(el('p', { text: 'Ratios compare each run with the first: for throughput, above 1 means more requests per second; for p99, above 1 means slower.' }));

for (const w of view.workloads) app.append(workloadSection(w));
drawCharts(app);

function workloadSection(w: CompareWorkload): HTMLElement {
  const section = el('section', { 'data-workload': w.name }, [el('h2', {}, ['Workload ', el('code', { text: w.name })]), el('p', { text: w.description })]);
  const labels = w.connections.map(String);
  /** One line per model and run: the model's colour and point, the run's dash. */
  const overlay = (field: 'rps' | 'p99'): LineDataset[] =>
    w.models.flatMap((model) =>
      view.runs.map((run, i) => {
        const pts = w.connections.map((n) => w.rows.find((r) => r.model === model && r.connections === n)?.runs[i]?.[field] ?? null);
        return line(`${model} · ${run.label}`, pts, { ...styleFor(model), dash: RUN_DASH[i % RUN_DASH.length] ?? [] });
      }),
    );
  section.append(
    el('div', { className: 'charts' }, [
      chartBox('Throughput (requests per second)', 'Colour: model. Line style: run.', {
        type: 'line',
        data: { labels, datasets: overlay('rps') },
        options: { plugins: { tooltip: throughputTooltip }, scales: { x: clientsAxis, y: countAxis('requests / s') } },
      }),
      chartBox('Tail latency (p99)', 'Log scale.', {
        type: 'line',
        data: { labels, datasets: overlay('p99') },
        options: { plugins: { tooltip: latencyTooltip }, scales: { x: clientsAxis, y: logAxis('p99 latency') } },
      }),
    ]),
  );
  const later = view.runs.slice(1);
  const headers = ['model', 'clients', ...view.runs.map((r) => `req/s ${r.label}`), ...later.map((r) => `× ${r.label}`), ...view.runs.map((r) => `p99 ${r.label}`), ...later.map((r) => `p99 × ${r.label}`)];
  const figure = (field: 'rps' | 'p99', f: CompareFigures, i: number): HTMLElement =>
    el('td', { 'data-field': field, 'data-run': String(i), 'data-value': f[field] === null ? '' : String(f[field]), text: f.failed ? 'failed' : f.text[field] });
  const ratio = (field: string, x: number | null): HTMLElement => el('td', { 'data-field': field, text: x === null ? '—' : `${x.toFixed(2)}×` });
  const rows = w.rows.map((row) =>
    el('tr', { 'data-model': row.model, 'data-connections': String(row.connections), className: row.runs.some((f) => f.failed) ? 'failed' : '' }, [
      el('td', { className: 'name' }, [swatch(styleFor(row.model).color), row.model]),
      el('td', { text: String(row.connections) }),
      ...row.runs.map((f, i) => figure('rps', f, i)),
      ...row.rpsRatio.map((x) => ratio('rpsRatio', x)),
      ...row.runs.map((f, i) => figure('p99', f, i)),
      ...row.p99Ratio.map((x) => ratio('p99Ratio', x)),
    ]),
  );
  section.append(table(headers, rows, 'numbers'));
  return section;
}
