import { formatBytes, formatRps, formatUs } from '../results/format.js';
import type { Results } from '../results/schema.js';
import { axes, cell, type Cell } from '../results/aggregate.js';
import { headline } from './headline.js';
import { styleOf, type ModelStyle } from './palette.js';

/** Everything a run page shows, computed here (tested in Node); the page script only draws it. */
export interface ModelView extends ModelStyle {
  readonly name: string;
  readonly summary: string;
  readonly paragraph: string;
  readonly reference: boolean;
}

export interface CellView extends Cell {
  /** The same figures as text, formatted once, here. */
  readonly text: Readonly<Record<'rps' | 'p50' | 'p99' | 'p999' | 'cpu' | 'rss' | 'client', string>>;
}

export interface WorkloadView {
  readonly name: string;
  readonly description: string;
  readonly paths: readonly string[];
  readonly headline: string;
  readonly connections: readonly number[];
  /** Highest number of clients with a result: the distribution chart is drawn there. */
  readonly distributionAt: number | null;
  readonly series: readonly { readonly model: string; readonly cells: readonly CellView[] }[];
}

export interface RunView {
  readonly runId: string;
  /** Link back to the index of runs, relative to the page; null when the page stands alone. */
  readonly indexHref: string | null;
  readonly title: string;
  readonly complete: boolean;
  readonly facts: readonly (readonly [string, string])[];
  readonly warnings: readonly string[];
  readonly failed: readonly string[];
  readonly headlines: readonly string[];
  readonly models: readonly ModelView[];
  readonly workloads: readonly WorkloadView[];
}

const dash = '—';
const text = (value: number | null, f: (n: number) => string): string => (value === null ? dash : f(value));

export function cellView(c: Cell): CellView {
  return {
    ...c,
    text: {
      rps: text(c.rps, formatRps),
      p50: text(c.p50, formatUs),
      p99: text(c.p99, formatUs),
      p999: text(c.p999, formatUs),
      cpu: text(c.serverCpuPercent, (n) => `${n.toFixed(0)}%`),
      rss: text(c.serverRssPeakBytes, formatBytes),
      client: text(c.clientCpuPercent, (n) => `${n.toFixed(0)}%`),
    },
  };
}

export function modelViews(results: Results, names: readonly string[]): ModelView[] {
  return names.map((name, index) => {
    const info = results.models.find((m) => m.name === name);
    return { name, summary: info?.summary ?? '', paragraph: info?.paragraph ?? '', reference: info?.reference ?? false, ...styleOf(name, index) };
  });
}

/** Run-level warnings, then each distinct case warning once, with the cases it concerns. */
export function collectWarnings(results: Results): string[] {
  const byText = new Map<string, string[]>();
  for (const c of results.cases) {
    for (const w of c.warnings) byText.set(w, [...(byText.get(w) ?? []), `${c.model} · ${c.workload} · ${c.connections}`]);
  }
  const caseWarnings = [...byText].map(([w, where]) => `${w} — ${where.length <= 4 ? where.join('; ') : `${where.slice(0, 4).join('; ')} and ${where.length - 4} more`}`);
  return [...(results.complete ? [] : ['this run was interrupted: the results are partial']), ...results.warnings, ...caseWarnings];
}

export function machineFacts(results: Results): [string, string][] {
  const m = results.machine;
  const o = results.options;
  return [
    ['Run', results.runId],
    ['Started', results.startedAt],
    ['Machine', `${m.cpuModel}, ${m.cpus} cores, ${formatBytes(m.memoryBytes)} memory`],
    ['System', `${m.os}, Node.js ${m.node}`],
    ['Commit', results.git.commit === null ? 'unknown' : `${results.git.commit.slice(0, 12)}${results.git.dirty === true ? ' (with uncommitted changes)' : ''}`],
    ['Profile', `${o.profile}: ${o.durationSeconds} s per case after ${o.warmupSeconds} s of warm-up, ${o.repeats} repeat${o.repeats === 1 ? '' : 's'}`],
    ['Clients', `${o.connections.join(', ')} concurrent connections (closed loop: each sends its next request when the answer arrives)`],
    ['Calibration', `${results.calibration.iterationsPerMs.toLocaleString('en-US')} PBKDF2 iterations per ms of CPU (${results.calibration.method})`],
  ];
}

export function buildRunView(results: Results, indexHref: string | null = null): RunView {
  const { models, workloads, connections } = axes(results);
  const modelInfo = modelViews(results, models);
  const references = new Set(modelInfo.filter((m) => m.reference).map((m) => m.name));
  const workloadViews = workloads.map((name): WorkloadView => {
    const info = results.workloads.find((w) => w.name === name);
    const series = models
      .map((model) => ({ model, cells: connections.map((n) => cellView(cell(results.cases, model, name, n))) }))
      .filter((s) => s.cells.some((c) => c.runs > 0));
    const withData = connections.filter((n) => series.some((s) => s.cells.some((c) => c.connections === n && c.rps !== null)));
    const at = withData[withData.length - 1] ?? null;
    const cellsAt = at === null ? [] : series.flatMap((s) => s.cells.filter((c) => c.connections === at));
    return {
      name,
      description: info?.description ?? '',
      paths: info?.paths ?? [],
      headline: at === null ? `No model has a result on \`${name}\`.` : headline(name, at, cellsAt, references),
      connections,
      distributionAt: at,
      series,
    };
  });
  return {
    runId: results.runId,
    indexHref,
    title: `Concurrency lab — run of ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    complete: results.complete,
    facts: machineFacts(results),
    warnings: collectWarnings(results),
    failed: results.cases.flatMap((c) => (c.status === 'failed' ? [`${c.model} · ${c.workload} · ${c.connections} clients (repeat ${c.repeat}): ${c.error}`] : [])),
    headlines: workloadViews.map((w) => w.headline),
    models: modelInfo,
    workloads: workloadViews,
  };
}
