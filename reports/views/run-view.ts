import { clientPlacement } from './placement.js';
import { formatBytes, formatDuration, formatRps, formatUs } from '../../lib/format.js';
import type { OkTrial, Probe, Results, Trial } from '../../results/schema.js';
import { CAPACITY_DROP } from '../../results/stats/probes.js';
import { axes, cell, type Cell } from '../../results/stats/aggregate.js';
import { littlesLaw, usedTrials } from '../../results/stats/case-summary.js';
import { errorText } from '../text/causes.js';
import { conclusions as runConclusions, type Conclusion } from '../../results/stats/conclusions.js';
import { conclusionSentence } from '../text/conclusions.js';
import type { Verdict } from '../../results/stats/stats.js';
import { latencyRangeText, latencyText, rpsRangeText, rpsText } from './figures.js';
import { headline } from './headline.js';
import { styleOf, type ModelStyle } from './palette.js';
import { groupWarnings, type WarningGroupView } from './warnings.js';
import { workloadTheory, type WorkloadTheoryView } from './theory-view.js';
import { buildOpenViews, type OpenWorkloadView } from './open-view.js';
import { transportSentence } from '../text/transport.js';
import { lostUpdatesText } from '../text/lost-updates.js';

/** Everything a run page shows, computed here (tested in Node); the page script only draws it. */
export interface ModelView extends ModelStyle {
  readonly name: string;
  readonly summary: string;
  readonly paragraph: string;
  readonly reference: boolean;
}

type CellText = Readonly<Record<'rps' | 'p50' | 'p99' | 'p999' | 'cpu' | 'rss' | 'client' | 'trials' | 'theory' | 'theoryError' | 'lostUpdates', string>>;

/** A cell's figures and the same as text, formatted once, here; its trials are listed in the workload's trials table. */
export interface CellView extends Omit<Cell, 'trials'> {
  readonly text: CellText;
  /** "95%: 11,900–12,800 req/s" for tooltips; "" without an interval. */
  readonly range: Readonly<Record<'rps' | 'p50' | 'p99', string>>;
}

export interface TrialRowView {
  readonly model: string;
  readonly connections: number;
  /** 1-based position in the case's trials: the number the retry column refers to. */
  readonly number: number;
  readonly round: number;
  readonly order: number;
  readonly status: 'ok' | 'failed';
  /** Counted in the case's median and interval. */
  readonly used: boolean;
  readonly rps: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly backgroundCpuPercent: number | null;
  readonly marked: readonly string[];
  readonly retryOf: number | null;
  readonly retriedBy: number | null;
  readonly text: Readonly<Record<'rps' | 'p50' | 'p99' | 'ramp' | 'background' | 'marked' | 'retry' | 'used', string>>;
}

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
  readonly headline: string;
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
}

export interface ProbeView {
  readonly before: string;
  /** Seconds since the run started. */
  readonly seconds: number;
  readonly singleRate: number;
  readonly capacity: number;
  /** Single-thread speed and capacity as shares of the run's best (1 = the best). */
  readonly speedShare: number;
  readonly capacityShare: number;
  readonly backgroundCpuPercent: number;
  /** The bench flagged it: more than 20 % below the best probe before it (older files: capacity below 80 % of the start's). */
  readonly dropped: boolean;
  readonly text: Readonly<Record<'time' | 'single' | 'singleShare' | 'capacity' | 'capacityShare' | 'background', string>>;
}

export interface MachineView {
  readonly cores: number;
  readonly probes: readonly ProbeView[];
  readonly summary: readonly string[];
}

export interface RunView {
  readonly runId: string;
  /** Link back to the index of runs, relative to the page; null when the page stands alone. */
  readonly indexHref: string | null;
  readonly title: string;
  readonly complete: boolean;
  readonly upgradedFrom: number | null;
  readonly facts: readonly (readonly [string, string])[];
  readonly incomplete: string | null;
  readonly warnings: readonly WarningGroupView[];
  readonly failed: readonly string[];
  readonly headlines: readonly string[];
  readonly models: readonly ModelView[];
  /** The probes of the machine's speed and parallel capacity; null when the file has none (version 1). */
  readonly machine: MachineView | null;
  readonly workloads: readonly WorkloadView[];
  /** Open-loop runs (--rate): their workloads; the closed `workloads` are then empty (their 1-client cases are the demands). */
  readonly open: readonly OpenWorkloadView[];
}

const dash = '—';
const text = (value: number | null, f: (n: number) => string): string => (value === null ? dash : f(value));
const percent = (n: number): string => `${n.toFixed(0)}%`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3", "4 (1 marked)", "3 (1 failed)": the trials a case ran. */
export function trialsText(trials: readonly Trial[]): string {
  const marked = trials.filter((t) => t.marked.length > 0).length;
  const failed = trials.filter((t) => t.status === 'failed').length;
  const notes = [marked > 0 ? `${marked} marked` : '', failed > 0 ? `${failed} failed` : ''].filter((n) => n !== '');
  return `${trials.length}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}

export function cellView(c: Cell): CellView {
  const { trials, ...rest } = c;
  const lower = c.latencyLowerBound;
  const theory = c.predicted;
  return {
    ...rest,
    text: {
      rps: rpsText(c.rps, c.rpsInterval),
      p50: latencyText(c.p50, c.p50Interval, lower),
      p99: latencyText(c.p99, c.p99Interval, lower),
      p999: latencyText(c.p999, null, lower),
      cpu: text(c.serverCpuPercent, percent),
      rss: text(c.serverRssPeakBytes, formatBytes),
      client: text(c.clientCpuPercent, percent),
      trials: trials.length === 0 ? dash : trialsText(trials),
      theory: theory === null ? dash : formatRps(theory.rps),
      // The 1-client case is where the demands come from: theory meets it by construction.
      theoryError: theory === null || c.rps === null || !(theory.rps > 0) ? dash : c.connections === 1 ? 'source' : errorText(c.rps / theory.rps - 1),
      lostUpdates: lostUpdatesText(c.lostUpdates, c.requests),
    },
    range: { rps: rpsRangeText(c.rpsInterval), p50: lower ? '' : latencyRangeText(c.p50Interval), p99: lower ? '' : latencyRangeText(c.p99Interval) },
  };
}

/** What a lost update is, for a workload whose cases counted them; null for the others. */
export function lostUpdatesNote(results: Results, workload: string): string | null {
  const counted = results.cases.filter((c) => c.workload === workload && c.status === 'ok' && c.lostUpdates !== undefined);
  if (counted.length === 0) return null;
  const mode = results.options.sessions ?? 'shared';
  const losing = counted.filter((c) => c.status === 'ok' && (c.lostUpdates ?? 0) > 0).map((c) => c.model);
  return [
    "Lost updates: answers whose visit count was not the client's previous count + 1. Such a visit landed in a store that did not know the client's cookie, which started a new session at 1.",
    `This run counted sessions ${mode === 'local' ? 'locally (--sessions local): under cluster, worker-pool and the per-request models each process or thread has its own map, so a client whose visits land on different processes or threads loses its count' : 'in one shared store per server (--sessions shared): no model should lose any'}.`,
    'Every visit comes on a new connection, which the cluster hands to its processes in turn; with keep-alive a client would stay on one process and the bug would hide.',
    losing.length === 0 ? 'No model lost an update here.' : `Lost updates here: ${[...new Set(losing)].join(', ')}.`,
  ].join(' ');
}

export function modelViews(results: Results, names: readonly string[]): ModelView[] {
  return names.map((name, index) => {
    const info = results.models.find((m) => m.name === name);
    return { name, summary: info?.summary ?? '', paragraph: info?.paragraph ?? '', reference: info?.reference ?? false, ...styleOf(name, index) };
  });
}

/** How long until every client had an answer: "4.12 s", or "≥ 5.00 s (12 unanswered)" when the window opened without them. */
function rampText(trial: OkTrial | undefined): string {
  if (trial?.rampSeconds === undefined) return dash;
  const unanswered = trial.unansweredAtWindow ?? 0;
  // Whole milliseconds at best (the file keeps the ramp to the ms): "17 ms", not "17.0 ms".
  const time = formatUs(trial.rampSeconds * 1_000_000, { trimZeros: true });
  return unanswered > 0 ? `≥ ${time} (${unanswered} unanswered)` : time;
}

/** Each trial of a case as a row: marked ones with their reasons, retries tied to what they re-measured. */
export function trialRows(model: string, connections: number, trials: readonly Trial[]): TrialRowView[] {
  const used = new Set(usedTrials(trials).used);
  return trials.map((t, i): TrialRowView => {
    const retriedBy = trials.findIndex((x) => x.retryOf === i);
    const retryOf = t.retryOf ?? null;
    const ok = t.status === 'ok' ? t : undefined;
    const lower = ok !== undefined && littlesLaw(connections, ok.rps, ok.latencyUs.mean, ok.censored).lowerBound;
    const retry = [retryOf === null ? '' : `retry of #${retryOf + 1}`, retriedBy < 0 ? '' : `retried as #${retriedBy + 1}`].filter((x) => x !== '').join('; ');
    return {
      model,
      connections,
      number: i + 1,
      round: t.round,
      order: t.order,
      status: t.status,
      used: ok !== undefined && used.has(ok),
      rps: ok?.rps ?? null,
      p50: ok?.latencyUs.p50 ?? null,
      p99: ok?.latencyUs.p99 ?? null,
      backgroundCpuPercent: ok?.backgroundCpuPercent ?? null,
      marked: t.marked,
      retryOf: retryOf === null ? null : retryOf + 1,
      retriedBy: retriedBy < 0 ? null : retriedBy + 1,
      text: {
        rps: ok === undefined ? 'failed' : formatRps(ok.rps),
        p50: ok === undefined ? dash : latencyText(ok.latencyUs.p50, null, lower),
        p99: ok === undefined ? dash : latencyText(ok.latencyUs.p99, null, lower),
        ramp: rampText(ok),
        background: ok === undefined ? dash : percent(ok.backgroundCpuPercent),
        marked: [...t.marked, ...(t.status === 'failed' ? [`failed: ${t.error}`] : [])].join('; '),
        retry: retry === '' ? dash : retry,
        used: ok !== undefined && used.has(ok) ? 'yes' : 'no',
      },
    };
  });
}

function machineFacts(results: Results): [string, string][] {
  const m = results.machine;
  const o = results.options;
  const seconds = (Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 1000;
  const how =
    results.upgradedFrom === undefined
      ? `${o.trials} trials per case (up to ${o.maxTrials} where the interval stayed wide, within a budget of ${formatDuration(o.budgetSeconds)}), ${o.durationSeconds} s each after ${o.warmupSeconds} s of warm-up; the models of a cell take turns in rounds, in a shuffled order (seed ${o.seed})`
      : `${plural(o.trials, 'repeat')} of ${o.durationSeconds} s per case after ${o.warmupSeconds} s of warm-up, one case after another (a version-${results.upgradedFrom} file: no interleaved trials)`;
  return [
    ['Run', results.runId],
    ['Started', `${results.startedAt} (took ${formatDuration(seconds)})`],
    ['Machine', `${m.cpuModel}, ${m.cpus} cores, ${formatBytes(m.memoryBytes)} memory`],
    ['System', `${m.os}, Node.js ${m.node}`],
    ['Commit', results.git.commit === null ? 'unknown' : `${results.git.commit.slice(0, 12)}${results.git.dirty === true ? ' (with uncommitted changes)' : ''}`],
    ['Profile', `${o.profile}: ${how}`],
    o.rates === undefined
      ? ['Clients', `${o.connections.join(', ')} concurrent connections (closed loop: each sends its next request when the answer arrives)`]
      : ['Load', `open loop: ${o.rates.join(', ')} requests per second offered, ${o.arrivals === 'poisson' ? 'Poisson arrivals (random gaps)' : 'evenly spaced'}, at most ${o.maxInflight ?? '?'} in flight (connections); each workload first at 1 client, closed loop, to measure what a request needs`],
    ...((): [string, string][] => {
      const sentence = transportSentence(o);
      const session = o.workloads.includes('session') && o.newConnections !== true ? ' The session workload opens a new connection for every visit, whatever the rest of the run does.' : '';
      return sentence === null ? [] : [['Connections', `${sentence}${session}`]];
    })(),
    ['Pools', `${plural(o.threads, 'thread')} for worker-pool (at most as many alive for thread-per-request), ${o.processes} process${o.processes === 1 ? '' : 'es'} for cluster (at most as many alive for process-per-request)`],
    ['Client', clientPlacement(results)],
    ['Calibration', `${results.calibration.iterationsPerMs.toLocaleString('en-US')} PBKDF2 iterations per ms of CPU (${results.calibration.method})`],
  ];
}


export function machineView(results: Results): MachineView | null {
  const probes: readonly Probe[] = results.probes;
  const start = probes.find((p) => p.before === 'start') ?? probes[0];
  if (start === undefined) return null;
  const t0 = Date.parse(results.startedAt);
  // Shares of the run's best (a start taken in a busy moment must not make everything after it look faster);
  // no machine computes more than its cores, so a capacity above that is not the bar.
  const bestSingle = Math.max(...probes.map((p) => p.singleRate));
  const bestCapacity = Math.min(Math.max(...probes.map((p) => p.capacity)), results.machine.cpus);
  const views = probes.map((p): ProbeView => {
    const share = bestCapacity > 0 ? p.capacity / bestCapacity : 1;
    const speed = bestSingle > 0 ? p.singleRate / bestSingle : 1;
    const seconds = Math.max(0, (Date.parse(p.at) - t0) / 1000);
    return {
      before: p.before,
      seconds,
      singleRate: p.singleRate,
      capacity: p.capacity,
      speedShare: speed,
      capacityShare: share,
      backgroundCpuPercent: p.backgroundCpuPercent,
      // The bench's own verdict where the file has it (compared with the best probe before, confirmed at once).
      // Older files, without it: what those benches judged, a capacity below 80 % of the start's.
      dropped: p.drift === undefined ? (start.capacity > 0 ? p.capacity / start.capacity : 1) < CAPACITY_DROP : p.drift.length > 0 && p.confirmed !== false,
      text: {
        time: `+${formatDuration(seconds)}`,
        single: `${Math.round(p.singleRate).toLocaleString('en-US')} /ms`,
        singleShare: percent(speed * 100),
        capacity: `${p.capacity.toFixed(2)} cores`,
        capacityShare: percent(share * 100),
        background: percent(p.backgroundCpuPercent),
      },
    };
  });
  const dropped = probes.filter((_, i) => views[i]?.dropped === true);
  const rates = probes.map((p) => p.singleRate);
  // Why each probe was flagged, as the bench said it (older files: the capacity only).
  const why = (p: Probe): string => (p.drift !== undefined && p.drift.length > 0 ? p.drift.join('; ') : `${p.capacity.toFixed(2)} cores`);
  const summary = [
    `At the start, one thread computed ${Math.round(start.singleRate).toLocaleString('en-US')} PBKDF2 iterations per ms, and all ${results.machine.cpus} cores at once gave ${start.capacity.toFixed(2)} cores’ worth of that.`,
    `Over ${plural(probes.length, 'probe')}, the single-thread speed ranged from ${percent((Math.min(...rates) / bestSingle) * 100)} to 100% of its best (${Math.round(bestSingle).toLocaleString('en-US')} per ms).`,
    dropped.length === 0
      ? `No probe found the machine more than ${percent((1 - CAPACITY_DROP) * 100)} slower, or with that much less parallel capacity, than the best probe before it.`
      : `The machine was slower or had less parallel capacity (by more than ${percent((1 - CAPACITY_DROP) * 100)}, against the best probe before) before ${dropped.map((p) => `${p.before} (${why(p)})`).join(', ')}: trials measured then were marked, and retried where the time budget allowed.`,
  ];
  return { cores: results.machine.cpus, probes: views, summary };
}

/** Every trial of a workload in the order the cells ran them: clients, then round, then the order in the round. */
function workloadTrials(results: Results, workload: string, models: readonly string[], connections: readonly number[]): TrialRowView[] {
  const rows = connections.flatMap((n) => models.flatMap((model) => trialRows(model, n, cell(results.cases, model, workload, n).trials)));
  const position = (r: TrialRowView): [number, number, number] => [connections.indexOf(r.connections), r.round, r.order];
  return rows.sort((x, y) => {
    const [a, b] = [position(x), position(y)];
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  });
}

function trialsSummary(workload: string, rows: readonly TrialRowView[]): string {
  const marked = rows.filter((r) => r.marked.length > 0);
  const retried = marked.filter((r) => r.retriedBy !== null).length;
  const failed = rows.filter((r) => r.status === 'failed').length;
  const markedNote = marked.length === 0 ? 'none marked' : retried === marked.length ? `${marked.length} marked and retried` : `${marked.length} marked, ${retried === 0 ? 'none' : retried} retried (the time budget decides)`;
  const notes = [markedNote, failed > 0 ? `${failed} failed` : ''].filter((n) => n !== '');
  return `All ${plural(rows.length, 'trial')} of \`${workload}\`, in the order they ran: ${notes.join(', ')}`;
}

export function buildRunView(results: Results, indexHref: string | null = null): RunView {
  const { models, workloads, connections } = axes(results);
  const modelInfo = modelViews(results, models);
  const references = new Set(modelInfo.filter((m) => m.reference).map((m) => m.name));
  const allConclusions: readonly Conclusion[] = runConclusions(results);
  // A workload the options did not ask for is the bench's own 1-client measure of `hello` for the predictions:
  // the theory blocks use it; it gets no section of its own.
  const workloadViews = workloads.filter((name) => results.options.workloads.includes(name) || results.cases.some((c) => c.workload === name && c.connections > 1)).map((name): WorkloadView => {
    const info = results.workloads.find((w) => w.name === name);
    const cells = models.map((model) => ({ model, cells: connections.map((n) => cell(results.cases, model, name, n)) })).filter((s) => s.cells.some((c) => c.runs > 0));
    const withData = connections.filter((n) => cells.some((s) => s.cells.some((c) => c.connections === n && c.rps !== null)));
    const at = withData[withData.length - 1] ?? null;
    const cellsAt = at === null ? [] : cells.flatMap((s) => s.cells.filter((c) => c.connections === at));
    const mine = allConclusions.filter((c) => c.workload === name);
    const trials = workloadTrials(results, name, models, connections);
    return {
      name,
      description: info?.description ?? '',
      paths: info?.paths ?? [],
      lostUpdatesNote: lostUpdatesNote(results, name),
      headline: at === null ? `No model has a result on \`${name}\`.` : headline(name, at, cellsAt, mine, references),
      connections,
      distributionAt: at,
      series: cells.map((s) => ({ model: s.model, cells: s.cells.map(cellView) })),
      conclusions: connections
        .map((n) => ({ connections: n, items: mine.filter((c) => c.connections === n).map((c): ConclusionView => ({ a: c.a, b: c.b, verdict: c.comparison.verdict, text: conclusionSentence(c) })) }))
        .filter((g) => g.items.length > 0),
      lowerBounds: cells.flatMap((s) =>
        s.cells.flatMap((c) => c.warnings.filter((w) => w.code === 'littles-law' || w.code === 'censored').map((w) => ({ model: s.model, connections: c.connections, message: w.message }))),
      ),
      trials,
      trialsSummary: trialsSummary(name, trials),
      theory: workloadTheory(results, name, models, connections),
    };
  });
  const open = results.options.rates === undefined ? [] : buildOpenViews(results, models);
  return {
    runId: results.runId,
    indexHref,
    title: `Concurrency lab — run of ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    complete: results.complete,
    upgradedFrom: results.upgradedFrom ?? null,
    facts: machineFacts(results),
    incomplete: results.complete ? null : 'this run was interrupted: the results are partial',
    warnings: groupWarnings(results),
    failed: results.cases.flatMap((c) => (c.status === 'failed' ? [`${c.model} · ${c.workload} · ${c.connections} clients (${plural(c.trials.length, 'trial')}): ${c.error}`] : [])),
    headlines: open.length > 0 ? open.map((w) => w.headline) : workloadViews.map((w) => w.headline),
    models: modelInfo,
    machine: machineView(results),
    workloads: open.length > 0 ? [] : workloadViews,
    open,
  };
}
