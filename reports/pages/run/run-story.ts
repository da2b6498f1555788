/**
 * The first screen of a run page: what the run shows (a sentence and a small chart per workload), the warnings a
 * reader must meet first, and the contents. Everything else folds below it.
 */
import type { RunView, StoryView } from '../../views/run/run-view.js';
import type { ModelStyle } from '../../views/palette.js';
import { chartBox } from '../chart-draw.js';
import { countAxis, levelsAxis, line, tooltipTexts, type LineConfig } from '../charts.js';
import { el, prose, swatch } from '../common.js';
import { anchor } from '../fold.js';
import { formatRps } from '../../../lib/format.js';
import { t } from '../../../lib/lang/lang.js';
import { counted } from '../../views/figures.js';

/** A small throughput chart: one line per model over the clients (or offered rates), no legend (the story has one). */
function miniChart(s: StoryView, styleFor: (model: string) => ModelStyle): LineConfig {
  const unit = t(s.unit === 'requests' ? 'chart.rps' : s.unit === 'messages' ? 'chart.messages' : 'chart.deliveries');
  const offered = s.unit === 'requests' ? t('chart.offered') : t('chart.offeredMessages');
  return {
    type: 'line',
    data: { datasets: s.series.map((m) => line(m.model, m.rps.map((y, i) => ({ x: s.levels[i] ?? 0, y: y ?? Number.NaN })), styleFor(m.model), 3)) },
    options: {
      plugins: { legend: { display: false }, tooltip: tooltipTexts(s.series.map((m) => m.rps.map((y) => (y === null ? '—' : `${formatRps(y)} ${unit}`)))) },
      scales: { x: levelsAxis(s.mode === 'open' ? offered : t('chart.clients'), s.levels), y: { ...countAxis(unit), grace: '10%', ticks: { maxTicksLimit: 4 } } },
    },
  };
}

export function storySection(view: RunView, styleFor: (model: string) => ModelStyle): HTMLElement {
  const models = [...new Set(view.story.flatMap((s) => s.series.map((m) => m.model)))];
  return el('section', { className: 'story', 'data-section': 'glance' }, [
    el('div', { className: 'story-head' }, [
      el('h3', { text: t('run.story') }),
      el('ul', { className: 'story-legend' }, models.map((m) => el('li', {}, [swatch(styleFor(m).color), el('code', { text: m })]))),
    ]),
    el('div', { className: 'story-grid' }, view.story.map((s) =>
      el('article', { className: 'story-card', 'data-workload': s.name }, [
        el('h4', {}, [anchor(s.id, [el('code', { text: s.name })])]),
        chartBox('', '', miniChart(s, styleFor), 'chart mini'),
        prose('p', s.sentence, { className: 'story-sentence' }),
      ]),
    )),
  ]);
}

/** The warnings that matter most, one line each with a count; the warnings section holds every kind and case. */
export function topWarningsBox(view: RunView): HTMLElement | null {
  if (view.topWarnings.length === 0) return null;
  const more = view.warnings.length + (view.failed.length > 0 ? 1 : 0) - view.topWarnings.length;
  return el('section', { className: 'box warnings top-warnings', 'data-section': 'top-warnings' }, [
    el('ul', {}, view.topWarnings.map((w) =>
      el('li', { 'data-code': w.code }, [el('strong', { text: w.title }), w.count > 0 ? ` (${counted(w.count, 'rp.cases.one', 'rp.cases.many')})` : '', w.line === '' ? '' : t('rp.topLine', { line: w.line })]),
    )),
    el('p', { className: 'note' }, [anchor('warnings', [more > 0 ? t('run.allWarnings', { n: more }) : t('run.allWarningsNone')])]),
  ]);
}
