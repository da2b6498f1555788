import type { Results } from '../../results/schema.js';
import { axes, cell } from '../../results/stats/aggregate.js';
import { conclusions, contradictions, type Contradiction } from '../../results/stats/conclusions.js';
import { conclusionSentence } from '../text/conclusions.js';
import type { Interval } from '../../results/stats/stats.js';
import { latencyText, maxOfText, percentileText, rpsText } from './figures.js';
import { machineText, measuredText } from './index-view.js';
import { decimal, t } from '../../lib/lang/lang.js';
import { transportText } from '../text/transport.js';
import { placementTag } from './placement.js';
import { modelViews, type ModelView } from './run/run-view.js';
import { workloadDescription } from '../text/stored.js';
import { findOpenCase } from '../../results/find-case.js';
import { median } from '../../results/stats/stats.js';

export interface CompareRun {
  readonly label: string;
  readonly results: Results;
}

export interface CompareFigures {
  readonly rps: number | null;
  /** The throughput at the machine's best speed; null without gauges (and for open-loop cases). */
  readonly rpsAtBest: number | null;
  /** Whether this run's figure lies within its machine's spread between earlier runs; null where unknown. */
  readonly withinHistory: boolean | null;
  readonly rpsInterval: Interval | null;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly p99Interval: Interval | null;
  /** The latencies miss some waiting: shown as "≥". */
  readonly latencyLowerBound: boolean;
  readonly failed: boolean;
  /** "12,345 ±6%", "≥ 1.36 s": as the run pages write them. */
  readonly text: Readonly<Record<'rps' | 'p50' | 'p99', string>>;
}

/** A conclusion that runs do not share: each run's sentence, by label. */
export interface ContradictionView {
  readonly workload: string;
  readonly connections: number;
  readonly a: string;
  readonly b: string;
  readonly kind: Contradiction['kind'];
  readonly sentences: readonly { readonly label: string; readonly text: string }[];
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
  /** Open-loop cases, by offered rate (runs made with --rate): achieved rate and corrected p99 in each run. */
  readonly openRows: readonly OpenCompareRow[];
  /** "Run B against A: 0.82–1.04× the throughput over 15 cases (median 0.97×)": what the first screen says of it. */
  readonly story: string;
}

/** A row of the open-loop table: as a closed row, by offered rate instead of clients. */
export interface OpenCompareRow extends Omit<CompareRow, 'connections'> {
  readonly rate: number;
}

/** An open case's figures as the comparison shows them (no interval on the corrected p99). */
function openFigures(r: Results, model: string, workload: string, rate: number): CompareFigures {
  const c = findOpenCase(r.cases, model, workload, rate);
  const ok = c?.status === 'ok' ? c : undefined;
  const lower = ok?.littlesLaw.lowerBound ?? false;
  return {
    rps: ok?.rps ?? null,
    rpsAtBest: null,
    withinHistory: null,
    rpsInterval: ok?.rpsInterval ?? null,
    p50: ok?.latencyUs.p50 ?? null,
    p99: ok?.latencyUs.p99 ?? null,
    p99Interval: null,
    latencyLowerBound: lower,
    failed: c?.status === 'failed',
    text: { rps: rpsText(ok?.rps ?? null, ok?.rpsInterval ?? null), p50: latencyText(ok?.latencyUs.p50 ?? null, null, lower), p99: latencyText(ok?.latencyUs.p99 ?? null, null, lower) },
  };
}

export interface CompareView {
  readonly title: string;
  readonly runs: readonly { readonly label: string; readonly runId: string; readonly startedAt: string; readonly machine: string; readonly node: string; readonly profile: string; readonly measured: string; readonly complete: boolean }[];
  readonly warnings: readonly string[];
  readonly models: readonly ModelView[];
  readonly workloads: readonly CompareWorkload[];
  /** Conclusions the runs contradict: one says faster, another slower. */
  readonly opposite: readonly ContradictionView[];
  /** Differences one run found and another did not confirm (no measurable difference there). */
  readonly unconfirmed: readonly ContradictionView[];
  /** Pairs every run measured, but where some run had too few rounds to tell (a version-1 file): not checked. */
  readonly unchecked: number;
}

const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || a === 0 ? null : Math.round((b / a) * 100) / 100);
const machineOf = machineText;

/** Differences that make a comparison unfair, said plainly. */
export function compareWarnings(runs: readonly CompareRun[]): string[] {
  const warnings: string[] = [];
  const distinct = (f: (r: Results) => string): string[] => [...new Set(runs.map((r) => f(r.results)))];
  const machines = distinct(machineOf);
  if (machines.length > 1) warnings.push(t('cmp.warn.machines', { list: machines.join(' / ') }));
  const nodes = distinct((r) => r.machine.node);
  if (nodes.length > 1) warnings.push(t('cmp.warn.nodes', { list: nodes.join(', ') }));
  const setups = distinct((r) => t('cmp.setup', { duration: decimal(String(r.options.durationSeconds)), warmup: decimal(String(r.options.warmupSeconds)) }));
  if (setups.length > 1) warnings.push(t('cmp.warn.setups', { list: setups.join(' / ') }));
  const transports = distinct((r) => transportText(r.options) ?? t('cmp.plainHttp'));
  if (transports.length > 1) warnings.push(t('cmp.warn.transports', { list: transports.join(' / ') }));
  const calibrations = runs.map((r) => r.results.calibration.iterationsPerMs);
  if (Math.max(...calibrations) > 1.1 * Math.min(...calibrations)) {
    warnings.push(t('cmp.warn.calibration', { list: calibrations.map((c) => decimal(String(c))).join(', ') }));
  }
  const speeds = runSpeeds(runs);
  if (speeds !== null && speeds.known > 1 && machines.length === 1) {
    const { slow, fast } = speeds;
    if (fast.median > 1.1 * slow.median) {
      warnings.push(t('cmp.warn.speeds', { slow: slow.label, slowShare: Math.round(slow.median * 100), fast: fast.label, fastShare: Math.round(fast.median * 100), gap: Math.round((fast.median / slow.median - 1) * 100) }));
    }
  }
  const placements = distinct((r) => placementTag(r) || t('cmp.loopback'));
  if (placements.length > 1) warnings.push(t('cmp.warn.placements', { list: placements.join(' / ') }));
  for (const r of runs) if (!r.results.complete) warnings.push(t('cmp.warn.interrupted', { label: r.label }));
  const open = runs.filter((r) => r.results.options.rates !== undefined).map((r) => r.label);
  if (open.length > 0) {
    warnings.push(t(open.length === 1 ? 'cmp.warn.open.one' : 'cmp.warn.open.many', { list: open.join(', ') }));
  }
  for (const r of runs) {
    if (r.results.upgradedFrom !== undefined) {
      warnings.push(t('cmp.warn.upgraded', { label: r.label, version: r.results.upgradedFrom }));
    }
  }
  return warnings;
}

/**
 * Whether the runs' throughputs are compared at the machine's best speed: every run has its gauges' speeds, the runs
 * ran on one machine, and their median speeds differ by more than 3 % (the host gave them different states).
 */
export function comparesAtBestSpeed(runs: readonly CompareRun[]): boolean {
  const speeds = runSpeeds(runs);
  if (speeds?.known !== runs.length || new Set(runs.map((r) => machineOf(r.results))).size > 1) return false;
  return speeds.fast.median > 1.03 * speeds.slow.median;
}

/** The runs whose files have the cores' speeds: how many, and the slowest and fastest by their median; null if none. */
function runSpeeds(runs: readonly CompareRun[]): { known: number; slow: { label: string; median: number }; fast: { label: string; median: number } } | null {
  const speeds = runs.flatMap((r) => (r.results.machineSpeed === undefined ? [] : [{ label: r.label, median: r.results.machineSpeed.median }]));
  const first = speeds[0];
  if (first === undefined) return null;
  return { known: speeds.length, slow: speeds.reduce((a, b) => (b.median < a.median ? b : a), first), fast: speeds.reduce((a, b) => (b.median > a.median ? b : a), first) };
}

export function buildCompareView(runs: readonly CompareRun[]): CompareView {
  if (runs.length < 2) throw new Error('a comparison needs at least two runs');
  const atBest = comparesAtBestSpeed(runs);
  const all = runs.map((r) => axes(r.results));
  const union = <T>(f: (a: (typeof all)[number]) => readonly T[]): T[] => [...new Set(all.flatMap(f))];
  const models = union((a) => a.models);
  const workloads = union((a) => a.workloads);
  const connections = union((a) => a.connections).sort((a, b) => a - b);
  const first = runs[0];
  if (first === undefined) throw new Error('a comparison needs at least two runs');

  return {
    title: t('cmp.title', { n: runs.length }),
    runs: runs.map((r) => ({
      label: r.label,
      runId: r.results.runId,
      startedAt: r.results.startedAt,
      machine: placementTag(r.results) === '' ? machineOf(r.results) : t(r.results.options.target === undefined ? 'cmp.serversIn' : 'cmp.clientTo', { machine: machineOf(r.results), place: placementTag(r.results) }),
      node: r.results.machine.node,
      profile: r.results.options.profile,
      measured: measuredText(r.results),
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
            // A p99 of fewer than 1,000 answers is shown as the max of n, never drawn nor compared as a percentile.
            const p99Held = maxOfText({ value: c.p99, interval: c.p99Interval, lowerBound: c.latencyLowerBound, sample: c.latencySample, max: c.max }, 99) === null;
            return {
              rps: c.rps,
              rpsAtBest: c.rpsAtBest,
              withinHistory: c.withinHistory,
              rpsInterval: c.rpsInterval,
              p50: c.p50,
              p99: p99Held ? c.p99 : null,
              p99Interval: c.p99Interval,
              latencyLowerBound: c.latencyLowerBound,
              failed: c.rps === null && c.failed.length > 0,
              text: { rps: rpsText(c.rps, c.rpsInterval), p50: latencyText(c.p50, c.p50Interval, c.latencyLowerBound), p99: percentileText({ value: c.p99, interval: c.p99Interval, lowerBound: c.latencyLowerBound, sample: c.latencySample, max: c.max }, 99) },
            };
          });
          if (figures.every((f) => f.rps === null && !f.failed)) continue;
          const base = figures[0];
          rows.push({
            model,
            connections: n,
            runs: figures,
            // Where the runs met the host at different speeds, each case at the machine's best speed (where both have it).
            rpsRatio: figures.slice(1).map((f) => (atBest && base?.rpsAtBest != null && f.rpsAtBest !== null ? ratio(base.rpsAtBest, f.rpsAtBest) : ratio(base?.rps ?? null, f.rps))),
            p99Ratio: figures.slice(1).map((f) => ratio(base?.p99 ?? null, f.p99)),
          });
        }
      }
      // A workload's description is a sentence its file holds: said in the page's language where the file says how.
      const described = runs.map((r) => ({ r, d: r.results.workloads.find((w) => w.name === name)?.description })).find((x) => x.d !== undefined);
      const description = described?.d === undefined ? '' : workloadDescription(described.r.results, { name, description: described.d });
      const rates = [...new Set(runs.flatMap((r) => r.results.options.rates ?? []))].sort((a, b) => a - b);
      const openRows = models.flatMap((model) =>
        rates.flatMap((rate): OpenCompareRow[] => {
          const figures = runs.map((r) => openFigures(r.results, model, name, rate));
          if (figures.every((f) => f.rps === null && !f.failed)) return [];
          const base = figures[0];
          return [{ model, rate, runs: figures, rpsRatio: figures.slice(1).map((f) => ratio(base?.rps ?? null, f.rps)), p99Ratio: figures.slice(1).map((f) => ratio(base?.p99 ?? null, f.p99)) }];
        }),
      );
      return { name, description, connections, models: [...new Set(rows.map((r) => r.model))], rows, openRows, story: storyOf(runs, [...rows, ...openRows], rows, atBest) };
    }),
    ...contradictionViews(runs),
  };
}

/**
 * Each later run against the first, in one sentence: the range and the median of its throughput ratios; how many of
 * its cases lie within this machine's spread between runs (where its file measured it); at best speed where it was.
 */
function storyOf(runs: readonly CompareRun[], rows: readonly Pick<CompareRow, 'rpsRatio'>[], closed: readonly CompareRow[], atBest: boolean): string {
  const parts = runs.slice(1).map((r, i) => {
    const ratios = rows.map((row) => row.rpsRatio[i]).filter((x): x is number => x !== null && x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
    if (ratios.length === 0) return t('cmp.story.none', { label: r.label, first: runs[0]?.label ?? '' });
    const mid = median(ratios);
    const low = ratios[0] ?? 0;
    const high = ratios[ratios.length - 1] ?? 0;
    const said = t(ratios.length === 1 ? 'cmp.story.one' : 'cmp.story.many', { label: r.label, low, high, first: runs[0]?.label ?? '', n: ratios.length, median: mid });
    const judged = closed.map((row) => row.runs[i + 1]?.withinHistory).filter((w): w is boolean => w !== null && w !== undefined);
    return judged.length === 0 ? said : `${said}${t('cmp.story.spread', { inside: judged.filter((w) => w).length, n: judged.length })}`;
  });
  return `${atBest ? t('cmp.story.atBest') : ''}${parts.join(t('cmp.story.join'))}${t('cmp.story.end')}`;
}

/** Every conclusion the runs do not share, the contradictions first (results/conclusions.ts decides). */
export function contradictionViews(runs: readonly CompareRun[]): { opposite: ContradictionView[]; unconfirmed: ContradictionView[]; unchecked: number } {
  const views = contradictions(runs.map((r) => r.results)).map(
    (c): ContradictionView => ({ workload: c.workload, connections: c.connections, a: c.a, b: c.b, kind: c.kind, sentences: c.found.map((found, i) => ({ label: runs[i]?.label ?? '', text: conclusionSentence(found) })) }),
  );
  const all = runs.map((r) => conclusions(r.results));
  const unchecked = (all[0] ?? []).filter((c) => {
    const matches = all.map((list) => list.find((d) => d.workload === c.workload && d.connections === c.connections && ((d.a === c.a && d.b === c.b) || (d.a === c.b && d.b === c.a))));
    return matches.every((m) => m !== undefined) && matches.some((m) => m.comparison.interval === null);
  }).length;
  return { opposite: views.filter((v) => v.kind === 'opposite'), unconfirmed: views.filter((v) => v.kind === 'unconfirmed'), unchecked };
}
