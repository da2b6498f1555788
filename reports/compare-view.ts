import { formatRps, formatUs } from '../results/format.js';
import type { Results } from '../results/schema.js';
import { axes, cell } from '../results/aggregate.js';
import { modelViews, type ModelView } from './run-view.js';

export interface CompareRun {
  readonly label: string;
  readonly results: Results;
}

export interface CompareFigures {
  readonly rps: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly failed: boolean;
  readonly text: Readonly<Record<'rps' | 'p50' | 'p99', string>>;
}

export interface CompareRow {
  readonly model: string;
  readonly connections: number;
  readonly runs: readonly CompareFigures[];
  /** Each later run against the first: throughput ratio (above 1 = more) and p99 ratio (above 1 = slower). */
  readonly rpsRatio: readonly (number | null)[];
  readonly p99Ratio: readonly (number | null)[];
}

export interface CompareWorkload {
  readonly name: string;
  readonly description: string;
  readonly connections: readonly number[];
  readonly models: readonly string[];
  readonly rows: readonly CompareRow[];
}

export interface CompareView {
  readonly title: string;
  readonly runs: readonly { readonly label: string; readonly runId: string; readonly startedAt: string; readonly machine: string; readonly node: string; readonly profile: string; readonly complete: boolean }[];
  readonly warnings: readonly string[];
  readonly models: readonly ModelView[];
  readonly workloads: readonly CompareWorkload[];
}

const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || a === 0 ? null : Math.round((b / a) * 100) / 100);
const machineOf = (r: Results): string => `${r.machine.cpuModel}, ${r.machine.cpus} cores`;

/** Differences that make a comparison unfair, said plainly. */
export function compareWarnings(runs: readonly CompareRun[]): string[] {
  const warnings: string[] = [];
  const distinct = (f: (r: Results) => string): string[] => [...new Set(runs.map((r) => f(r.results)))];
  const machines = distinct(machineOf);
  if (machines.length > 1) warnings.push(`The runs come from different machines (${machines.join(' / ')}): differences measure the machines as much as the models.`);
  const nodes = distinct((r) => r.machine.node);
  if (nodes.length > 1) warnings.push(`The runs used different Node.js versions (${nodes.join(', ')}).`);
  const setups = distinct((r) => `${r.options.durationSeconds} s per case, ${r.options.warmupSeconds} s warm-up`);
  if (setups.length > 1) warnings.push(`The runs were measured differently (${setups.join(' / ')}).`);
  const calibrations = runs.map((r) => r.results.calibration.iterationsPerMs);
  if (Math.max(...calibrations) > 1.1 * Math.min(...calibrations)) {
    warnings.push(
      `CPU speed differed between the runs (${calibrations.join(', ')} PBKDF2 iterations per ms at calibration): each run sized its CPU work to its own speed, so a cpu request is about 2 ms in each, but not the same number of iterations. On one machine, such a gap means it was busy with something else.`,
    );
  }
  for (const r of runs) if (!r.results.complete) warnings.push(`Run ${r.label} was interrupted: its results are partial.`);
  return warnings;
}

export function buildCompareView(runs: readonly CompareRun[]): CompareView {
  if (runs.length < 2) throw new Error('a comparison needs at least two runs');
  const all = runs.map((r) => axes(r.results));
  const union = <T>(f: (a: (typeof all)[number]) => readonly T[]): T[] => [...new Set(all.flatMap(f))];
  const models = union((a) => a.models);
  const workloads = union((a) => a.workloads);
  const connections = union((a) => a.connections).sort((a, b) => a - b);
  const first = runs[0];
  if (first === undefined) throw new Error('a comparison needs at least two runs');

  return {
    title: `Concurrency lab — comparison of ${runs.length} runs`,
    runs: runs.map((r) => ({
      label: r.label,
      runId: r.results.runId,
      startedAt: r.results.startedAt,
      machine: machineOf(r.results),
      node: r.results.machine.node,
      profile: r.results.options.profile,
      complete: r.results.complete,
    })),
    warnings: compareWarnings(runs),
    models: modelViews(first.results, models),
    workloads: workloads.map((name): CompareWorkload => {
      const rows: CompareRow[] = [];
      for (const model of models) {
        for (const n of connections) {
          const figures = runs.map((r): CompareFigures => {
            const c = cell(r.results.cases, model, name, n);
            return {
              rps: c.rps,
              p50: c.p50,
              p99: c.p99,
              failed: c.rps === null && c.failed.length > 0,
              text: { rps: c.rps === null ? '—' : formatRps(c.rps), p50: c.p50 === null ? '—' : formatUs(c.p50), p99: c.p99 === null ? '—' : formatUs(c.p99) },
            };
          });
          if (figures.every((f) => f.rps === null && !f.failed)) continue;
          const base = figures[0];
          rows.push({
            model,
            connections: n,
            runs: figures,
            rpsRatio: figures.slice(1).map((f) => ratio(base?.rps ?? null, f.rps)),
            p99Ratio: figures.slice(1).map((f) => ratio(base?.p99 ?? null, f.p99)),
          });
        }
      }
      const description = runs.map((r) => r.results.workloads.find((w) => w.name === name)?.description).find((d) => d !== undefined) ?? '';
      return { name, description, connections, models: [...new Set(rows.map((r) => r.model))], rows };
    }),
  };
}
