/**
 * Everything a run page shows, computed here (tested in Node); the page script only draws it. The page opens on one
 * screen that tells the story (a sentence and a small chart per workload, the warnings that matter most, the
 * contents); every section below it folds (reports/pages/fold.ts).
 */
import { formatDuration } from '../../../lib/format.js';
import type { Results } from '../../../results/schema.js';
import { axes } from '../../../results/stats/aggregate.js';
import { conclusions as runConclusions } from '../../../results/stats/conclusions.js';
import { sectionId } from '../anchors.js';
import { machineFacts, machineView, type MachineView } from './machine-view.js';
import { buildOpenViews, type OpenWorkloadView } from './open-view.js';
import { styleOf, type ModelStyle } from '../palette.js';
import { groupWarnings, topWarnings, type TopWarningView, type WarningGroupView } from '../warnings.js';
import { workloadViews, type WorkloadView } from './workload-view.js';
import { currentLang, t, type Lang } from '../../../lib/lang/lang.js';
import { connectionsView, type ConnectionsView } from './connections-view.js';
import { rateUnit, type RateUnit } from '../../../results/workload-key.js';
import { speaker } from '../../../lib/lang/sentences.js';
import { counted } from '../figures.js';

export interface ModelView extends ModelStyle {
  readonly name: string;
  readonly summary: string;
  readonly paragraph: string;
  readonly reference: boolean;
}

/** One workload on the first screen: its section's anchor, one sentence, and throughput per model over the levels. */
export interface StoryView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly sentence: string;
  /** Clients (closed loop) or offered requests per second (open loop). */
  readonly mode: 'closed' | 'open';
  /** What the throughput counts: requests, echoed messages, or the chat's deliveries. */
  readonly unit: RateUnit;
  readonly levels: readonly number[];
  readonly series: readonly { readonly model: string; readonly rps: readonly (number | null)[] }[];
}

export interface RunView {
  /** The language the view was written in: the page writes its own labels and numbers in it too. */
  readonly lang: Lang;
  readonly runId: string;
  /** Link back to the index of runs, relative to the page; null when the page stands alone. */
  readonly indexHref: string | null;
  readonly title: string;
  /** "2 cores · AMD EPYC 7B13 · Node.js v20.20.2 · 75 cases in 4m23s": the run in one line, under the title. */
  readonly oneLine: string;
  readonly complete: boolean;
  readonly upgradedFrom: number | null;
  /** How the figures were estimated (results/schema.ts `statistics`); null in files from before it was said. */
  readonly statistics: NonNullable<Results['statistics']> | null;
  readonly facts: readonly (readonly [string, string])[];
  readonly incomplete: string | null;
  readonly story: readonly StoryView[];
  /** The two or three warnings a reader must meet first, one line each (every kind is in `warnings`). */
  readonly topWarnings: readonly TopWarningView[];
  readonly warnings: readonly WarningGroupView[];
  readonly failed: readonly string[];
  readonly headlines: readonly string[];
  readonly models: readonly ModelView[];
  /** The probes of the machine's speed and parallel capacity; null when the file has none (version 1). */
  readonly machine: MachineView | null;
  readonly workloads: readonly WorkloadView[];
  /** Open-loop runs (--rate): their workloads; the closed `workloads` are then empty (their 1-client cases are the demands). */
  readonly open: readonly OpenWorkloadView[];
  /** WebSocket: what held connections cost, and the chat's deliveries; null when the run had neither. */
  readonly connections: ConnectionsView | null;
}

/** The models of a run, each with its summary and paragraph (sentences the file holds) in the page's language. */
export function modelViews(results: Results, names: readonly string[]): ModelView[] {
  const say = speaker(results.sentences);
  return names.map((name, index) => {
    const info = results.models.find((m) => m.name === name);
    return { name, summary: say(info?.summary ?? ''), paragraph: say(info?.paragraph ?? ''), reference: info?.reference ?? false, ...styleOf(name, index) };
  });
}

function storyOf(workloads: readonly WorkloadView[], open: readonly OpenWorkloadView[]): StoryView[] {
  if (open.length > 0) {
    return open.map((w) => ({
      id: sectionId('open', w.name),
      name: w.name,
      description: w.description,
      sentence: w.headline.split(/(?<=\.)\s/)[0] ?? w.headline,
      mode: 'open',
      unit: rateUnit(w.name),
      levels: w.rates,
      series: w.series.map((s) => ({ model: s.model, rps: w.rates.map((r) => s.cells.find((c) => c.rate === r)?.rps ?? null) })),
    }));
  }
  return workloads.map((w) => ({
    id: sectionId('closed', w.name),
    name: w.name,
    description: w.description,
    sentence: w.story,
    mode: 'closed',
    unit: rateUnit(w.name),
    levels: w.connections,
    series: w.series.map((s) => ({ model: s.model, rps: w.connections.map((n) => s.cells.find((c) => c.connections === n)?.rps ?? null) })),
  }));
}

export function buildRunView(results: Results, indexHref: string | null = null): RunView {
  const { models } = axes(results);
  const modelInfo = modelViews(results, models);
  const references = new Set(modelInfo.filter((m) => m.reference).map((m) => m.name));
  const closed = workloadViews(results, runConclusions(results), references);
  const open = results.options.rates === undefined ? [] : buildOpenViews(results, models);
  const workloads = open.length > 0 ? [] : closed;
  const say = speaker(results.sentences);
  const failed = results.cases.flatMap((c) =>
    c.status === 'failed'
      ? [t('rv.failedCase', { model: c.model, workload: c.workload, clients: counted(c.connections, 'rv.clients.one', 'rv.clients.many'), trials: counted(c.trials.length, 'rv.trials.one', 'rv.trials.many'), error: say(c.error) })]
      : [],
  );
  const m = results.machine;
  const seconds = (Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 1000;
  return {
    lang: currentLang(),
    runId: results.runId,
    indexHref,
    title: t('run.title', { at: results.startedAt.slice(0, 16).replace('T', ' ') }),
    oneLine: [counted(m.cpus, 'rv.cores.one', 'rv.cores.many'), m.cpuModel, `Node.js ${m.node}`, counted(results.cases.length, 'rv.casesIn.one', 'rv.casesIn.many', { duration: formatDuration(seconds) })].join(' · '),
    complete: results.complete,
    upgradedFrom: results.upgradedFrom ?? null,
    statistics: results.statistics ?? null,
    facts: machineFacts(results),
    incomplete: results.complete ? null : t('rv.incomplete'),
    story: storyOf(workloads, open),
    topWarnings: topWarnings(results, failed.length),
    warnings: groupWarnings(results),
    failed,
    headlines: open.length > 0 ? open.map((w) => w.headline) : closed.map((w) => w.headline),
    models: modelInfo,
    machine: machineView(results),
    workloads,
    open,
    connections: connectionsView(results, models),
  };
}
