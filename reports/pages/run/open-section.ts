/** An open-loop workload on the run page: draws the view built in Node (reports/open-view.ts). */
import { formatUs } from '../../../lib/format.js';
import type { OpenCellView, OpenWorkloadView } from '../../views/run/open-view.js';
import type { ModelStyle } from '../../views/palette.js';
import { chartBox } from '../chart-draw.js';
import { intervalPlugin, legendWithoutTheory, type IntervalMarks, levelsAxis, line, logAxis, logCountAxis, percentileAxis, percentileX, theoryLine, tooltipTexts, type LineConfig, type LineDataset } from '../charts.js';
import { el, numberCell, prose, swatch, table } from '../common.js';
import { theoryBox } from './theory-box.js';
import { timelineBox } from './run-timeline.js';
import { formatNumber, t } from '../../../lib/lang/lang.js';

const uncorrected = (model: string): string => `${model} · ${t('rp.open.uncorrected')}`;

export function openSection(w: OpenWorkloadView, styleFor: (model: string) => ModelStyle): HTMLElement {
  const x = levelsAxis(t('rp.open.axisOffered'), w.rates);
  const measured = (f: (c: OpenCellView) => number | null): LineDataset[] => w.series.map((s) => line(s.model, s.cells.map((c) => ({ x: c.rate, y: f(c) ?? Number.NaN })), styleFor(s.model)));
  const texts = (f: (c: OpenCellView) => string): string[][] => w.series.map((s) => s.cells.map((c) => t('rp.open.tipAt', { rate: c.rate, value: f(c) })));
  const theory = (f: (p: OpenWorkloadView['theory'][number]['curve'][number]) => number): LineDataset[] => w.theory.map((m) => theoryLine(m.model, m.curve.map((p) => ({ x: p.rate, y: f(p) })), styleFor(m.model)));
  const theoryTexts = (f: (p: OpenWorkloadView['theory'][number]['curve'][number]) => string): string[][] => w.theory.map((m) => m.curve.map((p) => t('rp.open.tipTheoryAt', { rate: Math.round(p.rate), value: f(p) })));

  /** "≥": an arrow up on a latency that misses requests never sent or never answered (no intervals drawn here). */
  const lowerMarks = (f: (c: OpenCellView) => number | null): IntervalMarks => ({
    intervals: w.series.map((s) => s.cells.map(() => null)),
    lowerBounds: w.series.map((s) => s.cells.map((c) => c.lowerBound && f(c) !== null)),
  });
  const latencyChart: LineConfig = {
    type: 'line',
    data: { datasets: [...measured((c) => c.mean), ...theory((p) => p.meanLatencyUs)] },
    options: {
      plugins: { legend: legendWithoutTheory, tooltip: tooltipTexts([...texts((c) => t('rp.tip.mean', { mean: c.text.mean })), ...theoryTexts((p) => t('rp.tip.mean', { mean: formatUs(p.meanLatencyUs) }))]) },
      scales: { x, y: logAxis(t('rp.open.axisMean')) },
    },
    plugins: [intervalPlugin(lowerMarks((c) => c.mean))],
  };
  // The ideal: every offered request answered.
  // Drawn under the measured lines (order 1): a model that keeps up sits on it.
  const ideal: LineDataset = { ...line(t('rp.open.ideal'), w.rates.map((r) => ({ x: r, y: r })), { color: '#777777', dash: [2, 4], point: 'circle' }, 0), borderWidth: 1.5, order: 1 };
  const achievedChart: LineConfig = {
    type: 'line',
    data: { datasets: [...measured((c) => c.rps), ...theory((p) => p.rps), ideal] },
    options: {
      plugins: { legend: legendWithoutTheory, tooltip: tooltipTexts([...texts((c) => t('rp.tip.rps', { rps: c.text.rps })), ...theoryTexts((p) => t('rp.tip.rps', { rps: formatNumber(Math.round(p.rps)) })), w.rates.map((r) => t('rp.open.tipOffered', { rate: r }))]) },
      scales: { x, y: logCountAxis(t('rp.open.axisAchieved')) },
    },
  };
  // Coordinated omission, per rate: p99 from the planned send (solid) against from the actual send (dotted).
  const uncorrectedP99 = w.series.map((s): LineDataset => ({ ...line(uncorrected(s.model), s.cells.map((c) => ({ x: c.rate, y: c.uncorrectedP99 ?? Number.NaN })), { ...styleFor(s.model), dash: [2, 3] }, 3), borderWidth: 2 }));
  const p99Chart: LineConfig = {
    type: 'line',
    data: { datasets: [...measured((c) => c.p99), ...uncorrectedP99] },
    options: { plugins: { tooltip: tooltipTexts([...texts((c) => `p99 ${c.text.p99}`), ...texts((c) => t('rp.open.tipUncorrected', { p99: c.text.uncorrectedP99 }))]) }, scales: { x, y: logAxis(t('rp.axis.p99')) } },
    plugins: [intervalPlugin(lowerMarks((c) => c.p99))],
  };
  const charts = [
    chartBox(t('rp.open.hockey'), t('rp.open.hockeyNote'), latencyChart),
    chartBox(t('rp.open.achieved'), t('rp.open.achievedNote'), achievedChart),
    chartBox(t('rp.open.p99'), t('rp.open.p99Note'), p99Chart),
  ];
  if (w.loadedAt !== null && w.distributions.length > 0) {
    const dist: LineDataset[] = w.distributions.flatMap((d) => [
      line(d.model, d.corrected.filter((p) => p.percentile < 100).map((p) => ({ x: percentileX(p.percentile), y: p.us })), styleFor(d.model), 2),
      { ...line(uncorrected(d.model), d.uncorrected.filter((p) => p.percentile < 100).map((p) => ({ x: percentileX(p.percentile), y: p.us })), { ...styleFor(d.model), dash: [2, 3] }, 0), borderWidth: 2 },
    ]);
    charts.push(
      chartBox(t('rp.open.distribution', { rate: w.loadedAt }), t('rp.open.distributionNote'), {
        type: 'line',
        data: { datasets: dist },
        options: { scales: { x: percentileAxis(), y: logAxis(t('rp.axis.latency')) } },
      }),
    );
  }

  const section = el('div', { className: 'workload-body' }, [
    el('p', { text: t('run.requests') }, w.paths.map((p, i) => el('code', { text: (i > 0 ? ' ' : '') + p }))),
    prose('p', w.headline, { className: 'headline' }),
    el('div', { className: 'charts' }, charts),
  ]);

  section.append(theoryBox(w.theorySummary, w.theory, w.disagreements));

  if (w.demands.length > 0) {
    section.append(el('h3', { text: t('rp.open.demands') }));
    section.append(el('p', { className: 'note', text: t('rp.open.demandsNote') }));
    section.append(
      table(
        [t('rp.col.model'), t('rp.open.col.rps1'), t('rp.axis.mean'), t('rp.open.col.serverCpu'), t('rp.open.col.clientCpu'), t('rp.open.col.wait')],
        w.demands.map((d) => el('tr', { 'data-model': d.model }, [el('td', { className: 'name' }, [swatch(styleFor(d.model).color), d.model]), el('td', { text: d.text.rps }), el('td', { text: d.text.mean }), el('td', { text: d.text.serverCpu }), el('td', { text: d.text.clientCpu }), el('td', { text: d.text.wait })])),
        'numbers demands',
      ),
    );
  }

  section.append(el('h3', { text: t('run.numbers') }));
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
        el('td', { className: 'name', 'data-field': 'status', text: c.failed === null ? (c.rps === null ? '—' : t('rp.status.ok')) : t('rv.failedWhy', { error: c.failed }) }),
      ]),
    ),
  );
  section.append(
    table(
      [
        t('rp.col.model'),
        t('rp.open.col.offered'),
        t('rp.open.col.achieved'),
        'p50',
        'p99',
        t('rp.open.col.uncorrected'),
        t('rp.open.col.mean'),
        t('rp.open.col.late'),
        t('rp.open.col.lag'),
        t('rp.open.col.theory'),
        t('rp.open.col.vsTheory'),
        t('rp.col.status'),
      ],
      rows,
      'numbers open',
    ),
  );
  section.append(el('p', { className: 'note', text: t('rp.open.numbersNote') }));
  const timelines = timelineBox(w.timelines, styleFor);
  if (timelines !== null) section.append(timelines);
  return section;
}
