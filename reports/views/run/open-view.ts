/**
 * What the run page shows of an open-loop run (--rate): per workload, latency against the offered rate (the
 * hockey stick) with theory's curve, the rate achieved against the rate offered, the corrected and
 * uncorrected latency distributions at the highest rate, and the 1-client demands the predictions stand on.
 * Computed here (tested in Node); the page script only draws it.
 */
import { offeredUnit, rateUnit } from '../../../results/workload-key.js';
import { formatRps, formatUs } from '../../../lib/format.js';
import { openCurve } from '../../../results/theory/predict-open.js';
import { caseDemands } from '../../../results/theory/predict.js';
import { checkPredictions, DISAGREEMENT } from '../../../results/theory/prediction-check.js';
import { errorText } from '../../text/causes.js';
import type { CaseResult, DistributionPoint, OkCase, Results, Warning } from '../../../results/schema.js';
import type { Interval } from '../../../results/stats/stats.js';
import { latencyText, rpsText } from '../figures.js';
import { checkView, stationName, type CheckView } from '../theory-view.js';
import { decimal, t } from '../../../lib/lang/lang.js';
import { speaker } from '../../../lib/lang/sentences.js';
import { workloadDescription } from '../../text/stored.js';
import { findOpenCase } from '../../../results/find-case.js';

export interface OpenCellView {
  readonly model: string;
  readonly rate: number;
  readonly failed: string | null;
  readonly rps: number | null;
  readonly rpsInterval: Interval | null;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly mean: number | null;
  readonly uncorrectedP50: number | null;
  readonly uncorrectedP99: number | null;
  readonly late: number;
  readonly dropped: number;
  readonly latenessP99: number | null;
  readonly lowerBound: boolean;
  /** Answered in the window ÷ planned in it; null for files without `planned`. */
  readonly answeredShare: number | null;
  /** Deliveries owed per message offered: the chat's members, 1 for a request. */
  readonly fanOut: number;
  readonly predictedRps: number | null;
  readonly predictedMeanUs: number | null;
  readonly warnings: readonly Warning[];
  readonly text: Readonly<Record<'rps' | 'p50' | 'p99' | 'mean' | 'uncorrectedP50' | 'uncorrectedP99' | 'late' | 'lateness' | 'theory' | 'theoryError', string>>;
}

export interface OpenTheoryView {
  readonly model: string;
  readonly capacity: number;
  readonly bottleneck: string;
  readonly curve: readonly { readonly rate: number; readonly rps: number; readonly meanLatencyUs: number }[];
  readonly text: string;
}

export interface DemandView {
  readonly model: string;
  readonly rps: number;
  readonly text: Readonly<Record<'rps' | 'mean' | 'serverCpu' | 'clientCpu' | 'wait', string>>;
}

export interface OpenWorkloadView {
  readonly name: string;
  readonly description: string;
  readonly paths: readonly string[];
  readonly rates: readonly number[];
  readonly headline: string;
  readonly series: readonly { readonly model: string; readonly cells: readonly OpenCellView[] }[];
  readonly theory: readonly OpenTheoryView[];
  readonly demands: readonly DemandView[];
  /** The highest rate with a result: where the distributions are drawn. */
  readonly loadedAt: number | null;
  readonly distributions: readonly { readonly model: string; readonly corrected: readonly DistributionPoint[]; readonly uncorrected: readonly DistributionPoint[] }[];
  readonly checks: readonly CheckView[];
  readonly disagreements: readonly CheckView[];
  readonly theorySummary: string;
  /** Each case's trials as timelines, by rate then model. */
  readonly timelines: readonly TimelineCaseView[];
}

import { timelineCases, type TimelineCaseView } from './timeline-view.js';

const dash = '—';

const openCase = findOpenCase;

export function openCellView(c: CaseResult | undefined, model: string, rate: number, say: (text: string) => string = (text) => text): OpenCellView {
  const ok: OkCase | undefined = c?.status === 'ok' ? c : undefined;
  const lower = ok?.littlesLaw.lowerBound ?? false;
  const lat = (v: number | undefined): string => (v === undefined ? dash : latencyText(v, null, lower));
  const predicted = ok?.predicted ?? null;
  return {
    model,
    rate,
    failed: c?.status === 'failed' ? say(c.error) : null,
    rps: ok?.rps ?? null,
    rpsInterval: ok?.rpsInterval ?? null,
    p50: ok?.latencyUs.p50 ?? null,
    p99: ok?.latencyUs.p99 ?? null,
    mean: ok?.latencyUs.mean ?? null,
    uncorrectedP50: ok?.uncorrectedLatencyUs?.p50 ?? null,
    uncorrectedP99: ok?.uncorrectedLatencyUs?.p99 ?? null,
    late: ok?.late ?? 0,
    dropped: ok?.dropped ?? 0,
    latenessP99: ok?.lateness?.p99 ?? null,
    lowerBound: lower,
    // The chat's answered share: deliveries that arrived, of those owed (every message to every member).
    answeredShare: ok?.chat !== undefined ? (ok.chat.messages * ok.chat.members === 0 ? null : ok.chat.deliveries / (ok.chat.messages * ok.chat.members)) : ok?.planned === undefined || ok.planned === 0 ? null : ok.requests / ok.planned,
    fanOut: ok?.chat?.members ?? 1,
    predictedRps: predicted?.rps ?? null,
    predictedMeanUs: predicted?.meanLatencyUs ?? null,
    warnings: c?.warnings ?? [],
    text: {
      rps: ok === undefined ? (c === undefined ? dash : t('rv.failed')) : rpsText(ok.rps, ok.rpsInterval),
      p50: lat(ok?.latencyUs.p50),
      p99: lat(ok?.latencyUs.p99),
      mean: lat(ok?.latencyUs.mean),
      uncorrectedP50: lat(ok?.uncorrectedLatencyUs?.p50),
      uncorrectedP99: lat(ok?.uncorrectedLatencyUs?.p99),
      late: ok === undefined ? dash : `${ok.late ?? 0} / ${ok.dropped ?? 0}`,
      lateness: ok?.lateness === undefined ? dash : formatUs(ok.lateness.p99),
      theory: predicted === null ? dash : `${formatRps(predicted.rps)} · ${formatUs(predicted.meanLatencyUs)}`,
      theoryError: predicted === null || ok === undefined || !(predicted.meanLatencyUs > 0) ? dash : `${errorText(ok.rps / predicted.rps - 1)} · ${errorText(ok.latencyUs.mean / predicted.meanLatencyUs - 1)}`,
    },
  };
}

/** Rates to draw theory's curve at: log-spaced around the offered ones, and close on both sides of each capacity. */
export function curveRates(rates: readonly number[], capacities: readonly number[]): number[] {
  const lo = Math.min(...rates) / 2;
  const hi = Math.max(...rates) * 1.5;
  const grid = new Set<number>(rates);
  for (let k = 0; k <= 48; k++) grid.add(lo * (hi / lo) ** (k / 48));
  for (const c of capacities) if (c > lo && c < hi) for (const f of [0.9, 0.97, 0.995, 1.005]) grid.add(c * f);
  return [...grid].sort((a, b) => a - b);
}

function headlineOf(workload: string, rate: number, cells: readonly OpenCellView[], theory: readonly OpenTheoryView[]): string {
  const offered = offeredUnit(workload) === 'requests' ? t('chart.rps') : t('chart.messages');
  const unit = rateUnit(workload) === 'deliveries' ? t('chart.deliveries') : t('chart.rps');
  const at = t('rv.open.at', { rate, unit: offered, workload });
  const parts = cells.flatMap((c) => {
    if (c.rps === null || c.p99 === null) return [];
    // Kept up: answered nearly all it was offered (on the requests planned, where the file has them; the chat owes
    // every message to every member).
    const keptUp = c.answeredShare === null ? c.rps >= 0.95 * rate * c.fanOut : c.answeredShare >= 0.95;
    const cap = theory.find((x) => x.model === c.model)?.capacity;
    const vars = { model: c.model, rps: formatRps(c.rps), unit, p99: c.text.p99 };
    if (keptUp && cap !== undefined && cap < 1.15 * rate) return [t('rv.open.barely', { ...vars, capacity: formatRps(cap) })];
    if (keptUp) return [t('rv.open.keptUp', vars)];
    const capText = cap === undefined ? '' : t('rv.open.capacity', { capacity: formatRps(cap) });
    return [t('rv.open.couldNot', { ...vars, capacity: capText, uncorrected: c.text.uncorrectedP99 })];
  });
  return parts.length === 0 ? t('rv.open.none', { at }) : t('rv.open.parts', { at, parts: parts.join(t('rv.semicolon')) });
}

export function buildOpenViews(results: Results, models: readonly string[]): OpenWorkloadView[] {
  const rates = results.options.rates ?? [];
  const checks = checkPredictions(results).filter((k) => k.mode === 'open');
  const say = speaker(results.sentences);
  return results.options.workloads.flatMap((name): OpenWorkloadView[] => {
    const info = results.workloads.find((w) => w.name === name);
    const mine = results.cases.filter((c) => c.workload === name);
    if (mine.length === 0) return [];
    const present = models.filter((m) => mine.some((c) => c.model === m));
    const series = present.map((model) => ({ model, cells: rates.map((rate) => openCellView(openCase(results.cases, model, name, rate), model, rate, say)) }));
    const params = (model: string): Readonly<Record<string, number>> => mine.find((c) => c.model === model)?.modelParams ?? {};
    const firstPass = present.flatMap((model) => {
      const curve = openCurve(results, model, name, params(model), rates);
      return curve === null ? [] : [curve];
    });
    const grid = curveRates(rates, firstPass.map((c) => c.capacity));
    const theory = firstPass.map((c): OpenTheoryView => {
      const full = openCurve(results, c.model, name, params(c.model), grid);
      return {
        model: c.model,
        capacity: c.capacity,
        bottleneck: c.bottleneck,
        curve: (full?.points ?? []).map((p) => ({ rate: p.rate, rps: p.rps, meanLatencyUs: p.meanLatencyUs })),
        text: t('rv.open.theory', { capacity: formatRps(c.capacity), bottleneck: stationName(c.bottleneck), cs2: decimal(c.cs2.toFixed(2)) }),
      };
    });
    const demands = present.flatMap((model): DemandView[] => {
      const base = results.cases.find((c) => c.mode === 'closed' && c.model === model && c.workload === name && c.connections === 1);
      const d = caseDemands(results, model, name);
      if (base?.status !== 'ok' || d === null) return [];
      return [{ model, rps: base.rps, text: { rps: formatRps(base.rps), mean: formatUs(base.latencyUs.mean), serverCpu: formatUs(d.serverCpu * 1e6), clientCpu: formatUs(d.clientCpu * 1e6), wait: formatUs(d.wait * 1e6) } }];
    });
    const withData = rates.filter((r) => series.some((s) => s.cells.some((c) => c.rate === r && c.rps !== null)));
    const loadedAt = withData[withData.length - 1] ?? null;
    const distributions = loadedAt === null ? [] : present.flatMap((model) => {
      const c = openCase(results.cases, model, name, loadedAt);
      return c?.status === 'ok' ? [{ model, corrected: c.distribution, uncorrected: c.uncorrectedDistribution ?? [] }] : [];
    });
    const workloadChecks = checks.filter((k) => k.workload === name).map(checkView);
    const disagreements = workloadChecks.filter((k) => k.disagrees);
    return [
      {
        name,
        description: info === undefined ? '' : workloadDescription(results, info),
        paths: info?.paths ?? [],
        rates,
        headline: loadedAt === null ? t('rv.open.noResult', { workload: name }) : headlineOf(name, loadedAt, series.flatMap((s) => s.cells.filter((c) => c.rate === loadedAt)), theory),
        series,
        theory,
        demands,
        loadedAt,
        distributions,
        checks: workloadChecks,
        disagreements,
        theorySummary:
          workloadChecks.length === 0
            ? t('rv.open.noPrediction')
            : disagreements.length === 0
              ? t('rv.open.agree', { pct: Math.round(DISAGREEMENT * 100), n: workloadChecks.length })
              : t('rv.open.part', { pct: Math.round(DISAGREEMENT * 100), n: disagreements.length, total: workloadChecks.length }),
        timelines: timelineCases(rates.flatMap((r) => present.flatMap((m) => results.cases.filter((c) => c.workload === name && c.mode === 'open' && c.targetRate === r && c.model === m))), say),
      },
    ];
  });
}
