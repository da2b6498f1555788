/**
 * The run page: draws the view built and tested in Node (reports/views/run-view.ts); it computes nothing itself.
 * It opens on one screen (the story, the warnings that matter, the contents); every section below folds.
 */
import { sectionId } from '../views/anchors.js';
import type { RunView } from '../views/run-view.js';
import { drawCharts } from './chart-draw.js';
import { el, link, readData, startPage, table } from './common.js';
import { contents, foldedSection, openOnNavigation, type ContentsItem } from './fold.js';
import { openSection } from './open-section.js';
import { machineSection, modelsGrid, warningsBox } from './run-machine.js';
import { storySection, topWarningsBox } from './run-story.js';
import { workloadSection } from './run-workload.js';

const view = readData() as RunView; // written by the renderer of the same build
const { app, styleFor } = startPage(view.models);

app.append(el('h1', { text: view.title }));
app.append(el('p', { className: 'subtitle', text: `${view.oneLine} · run ${view.runId}` }, view.indexHref === null ? [] : [' · ', link(view.indexHref, 'all runs')]));
if (view.incomplete !== null) app.append(el('p', { className: 'banner', text: 'Incomplete run: it was interrupted, and only the cases below finished.' }));
app.append(storySection(view, styleFor));
const top = topWarningsBox(view);
if (top !== null) app.append(top);

const code = (name: string): HTMLElement => el('code', { text: name });
const items: ContentsItem[] = [
  ...view.story.map((s) => ({ id: s.id, title: [s.mode === 'open' ? 'Open loop: ' : 'Workload ', code(s.name)], line: s.description })),
  ...(view.warnings.length > 0 || view.failed.length > 0 ? [{ id: 'warnings', title: ['Warnings'], line: `${view.warnings.length + (view.failed.length > 0 ? 1 : 0)} kinds` }] : []),
  { id: 'machine', title: ['Machine and options'], line: view.machine === null ? 'no probes in this file' : `${view.machine.probes.length} probes of its speed` },
  { id: 'models', title: ['The models'], line: view.models.map((m) => m.name).join(', ') },
  { id: 'reading', title: ['How to read the numbers'], line: '±, ≥, whiskers, theory' },
];
app.append(contents(items));

for (const w of view.workloads) {
  app.append(foldedSection(sectionId('closed', w.name), ['Workload ', code(w.name)], w.description, { 'data-workload': w.name }, [workloadSection(w, styleFor)]));
}
for (const w of view.open) {
  app.append(foldedSection(sectionId('open', w.name), ['Workload ', code(w.name), ' — open loop'], w.description, { 'data-workload': w.name, 'data-mode': 'open' }, [openSection(w, styleFor)]));
}
if (view.warnings.length > 0 || view.failed.length > 0) {
  const failures =
    view.failed.length === 0
      ? null
      : el('div', { className: 'box failures', 'data-section': 'failed' }, [el('h3', { text: `Failed cases (${view.failed.length})` }), el('ul', {}, view.failed.map((f) => el('li', { text: f })))]);
  app.append(foldedSection('warnings', ['Warnings'], 'read the numbers with these in mind', { 'data-section': 'all-warnings' }, [failures, warningsBox(view.warnings)]));
}
app.append(
  foldedSection('machine', ['Machine and options'], view.machine === null ? 'the options of the run' : `the options, and ${view.machine.probes.length} probes of the machine's speed during the run`, { 'data-section': 'machine-and-options' }, [
    table(null, view.facts.map(([name, value]) => el('tr', {}, [el('th', { className: 'name', text: name }), el('td', { className: 'name', text: value })])), 'facts'),
    machineSection(view.machine),
  ]),
);
app.append(foldedSection('models', ['The models'], view.models.map((m) => m.name).join(', '), { 'data-section': 'models' }, [modelsGrid(view.models)]));
app.append(
  foldedSection('reading', ['How to read the numbers'], '', { 'data-section': 'reading' }, [
    el('p', { className: 'legend-note' }, [
      view.upgradedFrom !== null ? 'This file is from before trials (most cases ran once, so most numbers have no interval); ' : view.statistics === null ? 'Each case ran several trials; a throughput is their median (a file from before this version of the lab), ' : 'Each case ran a fixed number of trials; a throughput is their geometric mean, a latency percentile is that of all their answers together (“max of n” where too few answers stand behind a p99), ',
      el('strong', { text: '±' }),
      ' is the half-width of its 95% interval, and ',
      el('strong', { text: '≥' }),
      ' marks a latency that misses some waiting (the real one is higher). On the charts, whiskers are the 95% intervals and an arrow up marks a “≥”; thin dashed lines are queueing theory’s predictions.',
    ]),
  ]),
);
drawCharts(app);
openOnNavigation();
