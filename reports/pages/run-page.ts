/**
 * The run page: draws the view built and tested in Node (reports/views/run/run-view.ts); it computes nothing itself.
 * It opens on one screen (the story, the warnings that matter, the contents); every section below folds.
 */
import { sectionId } from '../views/anchors.js';
import type { RunView } from '../views/run/run-view.js';
import { drawCharts } from './chart-draw.js';
import { el, link, readData, startPage, table } from './common.js';
import { contents, foldedSection, openOnNavigation, type ContentsItem } from './fold.js';
import { openSection } from './run/open-section.js';
import { machineSection, modelsGrid, warningsBox } from './run/run-machine.js';
import { storySection, topWarningsBox } from './run/run-story.js';
import { workloadSection } from './run/run-workload.js';
import { connectionsSection } from './run/run-connections.js';
import { setLang, t } from '../../lib/lang/lang.js';

const view = readData() as RunView; // written by the renderer of the same build
setLang(view.lang);
const { app, styleFor } = startPage(view.models);

app.append(el('h1', { text: view.title }));
app.append(el('p', { className: 'subtitle', text: `${view.oneLine} · ${t('run.runLabel', { id: view.runId })}` }, view.indexHref === null ? [] : [' · ', link(view.indexHref, t('run.allRuns'))]));
if (view.incomplete !== null) app.append(el('p', { className: 'banner', text: t('run.incomplete') }));
app.append(storySection(view, styleFor));
const top = topWarningsBox(view);
if (top !== null) app.append(top);

const code = (name: string): HTMLElement => el('code', { text: name });
const items: ContentsItem[] = [
  ...view.story.map((s) => ({ id: s.id, title: [s.mode === 'open' ? t('run.openLoopPrefix') : t('run.workload'), code(s.name)], line: s.description })),
  ...(view.connections === null ? [] : [{ id: 'connections', title: [t('connections.title')], line: t('connections.line') }]),
  ...(view.warnings.length > 0 || view.failed.length > 0 ? [{ id: 'warnings', title: [t('run.warnings')], line: t('run.warningKinds', { n: view.warnings.length + (view.failed.length > 0 ? 1 : 0) }) }] : []),
  { id: 'machine', title: [t('run.machine')], line: view.machine === null ? t('run.machineLineNone') : t('run.machineLine', { n: view.machine.probes.length }) },
  { id: 'models', title: [t('run.models')], line: view.models.map((m) => m.name).join(', ') },
  { id: 'reading', title: [t('run.reading')], line: t('run.readingLine') },
];
app.append(contents(items));

for (const w of view.workloads) {
  app.append(foldedSection(sectionId('closed', w.name), [t('run.workload'), code(w.name)], w.description, { 'data-workload': w.name }, [workloadSection(w, styleFor)]));
}
for (const w of view.open) {
  app.append(foldedSection(sectionId('open', w.name), [t('run.workload'), code(w.name), t('run.openLoopSuffix')], w.description, { 'data-workload': w.name, 'data-mode': 'open' }, [openSection(w, styleFor)]));
}
if (view.connections !== null) {
  app.append(foldedSection('connections', [t('connections.title')], t('connections.line'), { 'data-section': 'connections' }, [connectionsSection(view.connections, styleFor)]));
}
if (view.warnings.length > 0 || view.failed.length > 0) {
  const failures =
    view.failed.length === 0
      ? null
      : el('div', { className: 'box failures', 'data-section': 'failed' }, [el('h3', { text: t('run.failedCases', { n: view.failed.length }) }), el('ul', {}, view.failed.map((f) => el('li', { text: f })))]);
  app.append(foldedSection('warnings', [t('run.warnings')], t('run.warningsLine'), { 'data-section': 'all-warnings' }, [failures, warningsBox(view.warnings)]));
}
app.append(
  foldedSection('machine', [t('run.machine')], view.machine === null ? t('run.machineFoldNone') : t('run.machineFold', { n: view.machine.probes.length }), { 'data-section': 'machine-and-options' }, [
    table(null, view.facts.map(([name, value]) => el('tr', {}, [el('th', { className: 'name', text: name }), el('td', { className: 'name', text: value })])), 'facts'),
    machineSection(view.machine),
  ]),
);
app.append(foldedSection('models', [t('run.models')], view.models.map((m) => m.name).join(', '), { 'data-section': 'models' }, [modelsGrid(view.models)]));
app.append(
  foldedSection('reading', [t('run.reading')], '', { 'data-section': 'reading' }, [
    el('p', { className: 'legend-note' }, [
      view.upgradedFrom !== null ? t('rp.reading.upgraded') : view.statistics === null ? t('rp.reading.median') : t('rp.reading.trials'),
      // What this file's intervals are: latency intervals counting trials (since 2026-12-07), or a throughput interval
      // widened by the run's speed range (files of 2026-12-05 to 07), said where they apply.
      view.statistics?.latency === 'trials-t-log' ? t('rp.reading.byTrials') : '',
      view.statistics?.machine === 'speed-range' ? t('rp.reading.widened') : '',
      el('strong', { text: '±' }),
      t('rp.reading.pm'),
      el('strong', { text: '≥' }),
      t('rp.reading.rest'),
    ]),
  ]),
);
drawCharts(app);
openOnNavigation();
