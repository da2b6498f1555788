/** A workload's section of the run page: its cells, its headline, its conclusions, its trials and its theory. */
import type { Results } from '../../../results/schema.js';
import { axes, cell, type Cell } from '../../../results/stats/aggregate.js';
import { formatSpread } from '../../../lib/format.js';
import type { Conclusion } from '../../../results/stats/conclusions.js';
import type { Verdict } from '../../../results/stats/stats.js';
import { conclusionSentence } from '../../text/conclusions.js';
import { cellView, type CellView } from '../cell-view.js';
import { headlineSentences } from '../headline.js';
import { workloadTheory, type WorkloadTheoryView } from '../theory-view.js';
import { trialsSummary, workloadTrials, type TrialRowView } from './trials-view.js';
import { firstTrials } from '../../../results/stats/first-trials.js';
import { memorySentence } from './connections-view.js';
import type { OkCase } from '../../../results/schema.js';
import { splitWorkloadKey } from '../../../results/workload-key.js';
import { t } from '../../../lib/lang/lang.js';
import { speaker } from '../../../lib/lang/sentences.js';
import { workloadDescription } from '../../text/stored.js';
import { timelineCases, type TimelineCaseView } from './timeline-view.js';

export interface ConclusionView {
  readonly a: string;
  readonly b: string;
  readonly verdict: Verdict;
  readonly text: string;
}

export interface WorkloadView {
  readonly name: string;
  readonly description: string;
  readonly paths: readonly string[];
  /** The session workload: what its lost updates mean in this run; null elsewhere (and no such column). */
  readonly lostUpdatesNote: string | null;
  /** How far earlier runs of this plan landed apart on this machine, and whether this run lies within; null in files that cannot say. */
  readonly historyNote: string | null;
  readonly headline: string;
  /** The headline's first sentence: what the report's first screen says of this workload. */
  readonly story: string;
  readonly connections: readonly number[];
  /** Highest number of clients with a result: the distribution chart is drawn there. */
  readonly distributionAt: number | null;
  readonly series: readonly { readonly model: string; readonly cells: readonly CellView[] }[];
  /** Per number of clients, every pair of models: faster, slower or no measurable difference. */
  readonly conclusions: readonly { readonly connections: number; readonly items: readonly ConclusionView[] }[];
  /** Why some latencies are shown as "≥": the cases' own Little's law or censoring messages. */
  readonly lowerBounds: readonly { readonly model: string; readonly connections: number; readonly message: string }[];
  readonly trials: readonly TrialRowView[];
  readonly trialsSummary: string;
  /** Predict, then measure: the queueing model's curves and how far each case is from them; null without 1-client cases. */
  readonly theory: WorkloadTheoryView | null;
  /** Each case's trials as timelines, by clients then model (cases of older files have none). */
  readonly timelines: readonly TimelineCaseView[];
}

/** What a lost update is, for a workload whose cases counted them; null for the others. */
export function lostUpdatesNote(results: Results, workload: string): string | null {
  const counted = results.cases.filter((c) => c.workload === workload && c.status === 'ok' && c.lostUpdates !== undefined);
  if (counted.length === 0) return null;
  const mode = results.options.sessions ?? 'shared';
  const losing = counted.filter((c) => c.status === 'ok' && (c.lostUpdates ?? 0) > 0).map((c) => c.model);
  return [
    t('rv.lost.what'),
    mode === 'local' ? t('rv.lost.local') : t('rv.lost.shared'),
    t('rv.lost.keepAlive'),
    losing.length === 0 ? t('rv.lost.none') : t('rv.lost.some', { models: [...new Set(losing)].join(', ') }),
  ].join(' ');
}

/**
 * The closed-loop workloads of a run, each as its section shows it. A workload the options did not ask for is the
 * bench's own 1-client measure of `hello` for the predictions: the theory blocks use it; it gets no section.
 */
export function workloadViews(results: Results, conclusions: readonly Conclusion[], references: ReadonlySet<string>): WorkloadView[] {
  const { models, workloads, connections } = axes(results);
  const say = speaker(results.sentences);
  return workloads.filter((name) => results.options.workloads.includes(splitWorkloadKey(name).base) || results.cases.some((c) => c.workload === name && c.connections > 1)).map((name): WorkloadView => {
    const info = results.workloads.find((w) => w.name === name);
    const cells = models.map((model) => ({ model, cells: connections.map((n) => cell(results.cases, model, name, n)) })).filter((s) => s.cells.some((c) => c.runs > 0));
    const withData = connections.filter((n) => cells.some((s) => s.cells.some((c) => c.connections === n && c.rps !== null)));
    const at = withData[withData.length - 1] ?? null;
    const cellsAt = at === null ? [] : cells.flatMap((s) => s.cells.filter((c) => c.connections === at));
    const mine = conclusions.filter((c) => c.workload === name);
    const trials = workloadTrials(results, name, models, connections);
    const measured = at === null ? [t('rv.noResult', { workload: name })] : headlineSentences(name, at, cellsAt, mine, references);
    // Idle connections held beside the clients: what each cost is this workload's story; its throughput follows.
    const memory = memorySentence(results.cases.filter((c): c is OkCase => c.status === 'ok' && c.workload === name));
    const sentences = memory === null ? measured : [memory, ...measured];
    return {
      name,
      description: info === undefined ? '' : workloadDescription(results, info),
      paths: info?.paths ?? [],
      lostUpdatesNote: lostUpdatesNote(results, name),
      historyNote: historyNote(results, cells.flatMap((s) => s.cells)),
      headline: sentences.join(' '),
      story: sentences[0] ?? '',
      connections,
      distributionAt: at,
      series: cells.map((s) => ({ model: s.model, cells: s.cells.map((c) => cellView({ ...c, failed: c.failed.map(say) })) })),
      conclusions: connections
        .map((n) => ({ connections: n, items: mine.filter((c) => c.connections === n).map((c): ConclusionView => ({ a: c.a, b: c.b, verdict: c.comparison.verdict, text: conclusionSentence(c) })) }))
        .filter((g) => g.items.length > 0),
      lowerBounds: cells.flatMap((s) =>
        s.cells.flatMap((c) => c.warnings.filter((w) => w.code === 'littles-law' || w.code === 'censored').map((w) => ({ model: s.model, connections: c.connections, message: say(w.message) }))),
      ),
      trials,
      trialsSummary: trialsSummary(name, trials, firstTrials({ cases: results.cases.filter((c) => c.workload === name) })),
      theory: workloadTheory(results, name, models, connections),
      timelines: timelineCases(connections.flatMap((n) => models.flatMap((m) => results.cases.filter((c) => c.workload === name && c.mode === 'closed' && c.connections === n && c.model === m))), say),
    };
  });
}

/**
 * "Earlier runs of this plan on this machine (3, since 2026-12-05) landed within ±4–15 % of each other …": how far a
 * later run may land, measured; said only by files of a bench that looks (their latency intervals count trials).
 */
function historyNote(results: Results, cells: readonly Cell[]): string | null {
  const withHistory = cells.filter((c) => c.history !== null);
  if (withHistory.length === 0) return results.statistics?.latency === 'trials-t-log' && results.remote === undefined ? t('rv.history.none') : null;
  const spreads = withHistory.map((c) => c.history?.spread ?? 0).sort((a, b) => a - b);
  const runs = Math.max(...withHistory.map((c) => c.history?.runs ?? 0));
  const since = withHistory.map((c) => c.history?.since ?? '').sort()[0]?.slice(0, 10) ?? '';
  const inside = withHistory.filter((c) => c.withinHistory === true).length;
  const basis = withHistory.every((c) => c.history?.basis === 'best-speed') ? 'rv.history.noteBest' : 'rv.history.noteRaw';
  const low = formatSpread(spreads[0] ?? 0);
  const high = formatSpread(spreads[spreads.length - 1] ?? 0);
  const note = t(basis, { n: runs, since, range: low === high ? t('rv.history.one', { spread: low }) : t('rv.history.range', { low, high }), inside, cases: withHistory.length });
  return runs < 3 ? `${note} ${t('rv.history.few', { n: runs })}` : note;
}
