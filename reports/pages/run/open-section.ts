/** An open-loop workload on the run page: draws the view built in Node (reports/open-view.ts). */
import { formatUs } from '../../../lib/format.js';
import type { OpenCellView, OpenWorkloadView } from '../../views/run/open-view.js';
import type { ModelStyle } from '../../views/palette.js';
import { chartBox } from '../chart-draw.js';
import { intervalPlugin, legendWithoutTheory, type IntervalMarks, levelsAxis, line, logAxis, logCountAxis, percentileAxis, percentileX, theoryLine, tooltipTexts, type LineConfig, type LineDataset } from '../charts.js';
import { el, numberCell, prose, swatch, table } from '../common.js';
import { theoryBox } from './theory-box.js';

const UNCORRECTED = ' · uncorrected';

export function openSection(w: OpenWorkloadView, styleFor: (model: string) => ModelStyle): HTMLElement {
  const x = levelsAxis('offered rate (requests / s)', w.rates);
  const measured = (f: (c: OpenCellView) => number | null): LineDataset[] => w.series.map((s) => line(s.model, s.cells.map((c) => ({ x: c.rate, y: f(c) ?? Number.NaN })), styleFor(s.model)));
  const texts = (f: (c: OpenCellView) => string): string[][] => w.series.map((s) => s.cells.map((c) => `at ${c.rate}/s: ${f(c)}`));
  const theory = (f: (p: OpenWorkloadView['theory'][number]['curve'][number]) => number): LineDataset[] => w.theory.map((t) => theoryLine(t.model, t.curve.map((p) => ({ x: p.rate, y: f(p) })), styleFor(t.model)));
  const theoryTexts = (f: (p: OpenWorkloadView['theory'][number]['curve'][number]) => string): string[][] => w.theory.map((t) => t.curve.map((p) => `theory at ${Math.round(p.rate)}/s: ${f(p)}`));

  /** "≥": an arrow up on a latency that misses requests never sent or never answered (no intervals drawn here). */
  const lowerMarks = (f: (c: OpenCellView) => number | null): IntervalMarks => ({
    intervals: w.series.map((s) => s.cells.map(() => null)),
    lowerBounds: w.series.map((s) => s.cells.map((c) => c.lowerBound && f(c) !== null)),
  });
  const latencyChart: LineConfig = {
    type: 'line',
    data: { datasets: [...measured((c) => c.mean), ...theory((p) => p.meanLatencyUs)] },
    options: {
      plugins: { legend: legendWithoutTheory, tooltip: tooltipTexts([...texts((c) => `mean ${c.text.mean}`), ...theoryTexts((p) => `mean ${formatUs(p.meanLatencyUs)}`)]) },
      scales: { x, y: logAxis('mean latency (from the planned send)') },
    },
    plugins: [intervalPlugin(lowerMarks((c) => c.mean))],
  };
  // The ideal: every offered request answered.
  // Drawn under the measured lines (order 1): a model that keeps up sits on it.
  const ideal: LineDataset = { ...line('offered = achieved', w.rates.map((r) => ({ x: r, y: r })), { color: '#777777', dash: [2, 4], point: 'circle' }, 0), borderWidth: 1.5, order: 1 };
  const achievedChart: LineConfig = {
    type: 'line',
    data: { datasets: [...measured((c) => c.rps), ...theory((p) => p.rps), ideal] },
    options: {
      plugins: { legend: legendWithoutTheory, tooltip: tooltipTexts([...texts((c) => `${c.text.rps} req/s`), ...theoryTexts((p) => `${Math.round(p.rps)} req/s`), w.rates.map((r) => `offered ${r}/s`)]) },
      scales: { x, y: logCountAxis('achieved (requests / s)') },
    },
  };
  // Coordinated omission, per rate: p99 from the planned send (solid) against from the actual send (dotted).
  const uncorrectedP99 = w.series.map((s): LineDataset => ({ ...line(`${s.model}${UNCORRECTED}`, s.cells.map((c) => ({ x: c.rate, y: c.uncorrectedP99 ?? Number.NaN })), { ...styleFor(s.model), dash: [2, 3] }, 3), borderWidth: 2 }));
  const p99Chart: LineConfig = {
    type: 'line',
    data: { datasets: [...measured((c) => c.p99), ...uncorrectedP99] },
    options: { plugins: { tooltip: tooltipTexts([...texts((c) => `p99 ${c.text.p99}`), ...texts((c) => `p99 uncorrected ${c.text.uncorrectedP99}`)]) }, scales: { x, y: logAxis('p99 latency') } },
    plugins: [intervalPlugin(lowerMarks((c) => c.p99))],
  };
  const charts = [
    chartBox('Latency against offered rate (the hockey stick)', 'Mean latency, counted from each request’s planned send time. Log scales; arrow up: a lower bound (≥). Thin dashed: queueing theory (G/G/c from the 1-client demands; past capacity, a queue growing through the window).', latencyChart),
    chartBox('Achieved against offered rate', 'Requests answered per second in the window. Grey dotted: every offered request answered. Thin dashed: theory, capped at each model’s capacity.', achievedChart),
    chartBox('Tail latency (p99): corrected and uncorrected', 'Solid: from the planned send (what a user arriving then waited). Dotted, same colour: from the actual send (what a closed-loop tool reports; it leaves out the time a request waited for a free connection).', p99Chart),
  ];
  if (w.loadedAt !== null && w.distributions.length > 0) {
    const dist: LineDataset[] = w.distributions.flatMap((d) => [
      line(d.model, d.corrected.filter((p) => p.percentile < 100).map((p) => ({ x: percentileX(p.percentile), y: p.us })), styleFor(d.model), 2),
      { ...line(`${d.model}${UNCORRECTED}`, d.uncorrected.filter((p) => p.percentile < 100).map((p) => ({ x: percentileX(p.percentile), y: p.us })), { ...styleFor(d.model), dash: [2, 3] }, 0), borderWidth: 2 },
    ]);
    charts.push(
      chartBox(`Latency distribution at ${w.loadedAt} req/s offered: corrected and uncorrected`, 'HDR plot; both axes log. Solid: from the planned send. Dotted, same colour: from the actual send. Where they part, requests waited for the client’s connections: the wait a closed-loop measure hides.', {
        type: 'line',
        data: { datasets: dist },
        options: { scales: { x: percentileAxis(), y: logAxis('latency') } },
      }),
    );
  }

  const section = el('div', { className: 'workload-body' }, [
    el('p', { text: 'Requests: ' }, w.paths.map((p, i) => el('code', { text: (i > 0 ? ' ' : '') + p }))),
    prose('p', w.headline, { className: 'headline' }),
    el('div', { className: 'charts' }, charts),
  ]);

  section.append(theoryBox(w.theorySummary, w.theory, w.disagreements));

  if (w.demands.length > 0) {
    section.append(el('h3', { text: 'What one request needs (closed loop, 1 client)' }));
    section.append(el('p', { className: 'note', text: 'Measured first, on every model: the predictions stand on these. Waiting is the rest of a request’s time at 1 client: timers, the kernel, the network.' }));
    section.append(
      table(
        ['model', 'req/s at 1 client', 'mean latency', 'server CPU / request', 'client CPU / request', 'waiting / request'],
        w.demands.map((d) => el('tr', { 'data-model': d.model }, [el('td', { className: 'name' }, [swatch(styleFor(d.model).color), d.model]), el('td', { text: d.text.rps }), el('td', { text: d.text.mean }), el('td', { text: d.text.serverCpu }), el('td', { text: d.text.clientCpu }), el('td', { text: d.text.wait })])),
        'numbers demands',
      ),
    );
  }

  section.append(el('h3', { text: 'The numbers behind the charts' }));
  const rows = w.series.flatMap((s) =>
    s.cells.map((c) =>
      el('tr', { className: [c.failed !== null ? 'failed' : '', c.lowerBound ? 'lower-bound' : ''].join(' ').trim(), 'data-model': c.model, 'data-rate': String(c.rate) }, [
        el('td', { className: 'name' }, [swatch(styleFor(c.model).color), c.model]),
        el('td', { text: String(c.rate) }),
        numberCell('rps', c.rps, c.text.rps),
        numberCell('p50', c.p50, c.text.p50),
        numberCell('p99', c.p99, c.text.p99),
        numberCell('uncorrectedP99', c.uncorrectedP99, c.text.uncorrectedP99),
        numberCell('mean', c.mean, c.text.mean),
        numberCell('late', c.late, c.text.late),
        numberCell('lateness', c.latenessP99, c.text.lateness),
        numberCell('theory', c.predictedRps, c.text.theory),
        el('td', { 'data-field': 'theoryError', text: c.text.theoryError }),
        el('td', { className: 'name', 'data-field': 'status', text: c.failed === null ? (c.rps === null ? '—' : 'ok') : `failed: ${c.failed}` }),
      ]),
    ),
  );
  section.append(table(['model', 'offered req/s', 'achieved req/s', 'p50', 'p99', 'p99 uncorrected', 'mean', 'late / dropped sends', 'client lag p99', 'theory: req/s · mean', 'vs theory: req/s · mean', 'status'], rows, 'numbers open'));
  section.append(
    el('p', { className: 'note', text: 'Latency counts from each request’s planned send time (corrected for coordinated omission, as wrk2 does); “uncorrected” from its actual send. Late: sent when a connection freed up, every one being busy at the planned time; dropped: never sent before the bench stopped waiting. Client lag: how far sends trailed their plan while a connection was free.' }),
  );
  return section;
}
