/**
 * What the run page shows of theory for a closed-loop workload: each model's predicted curve (mean value analysis from
 * the 1-client demands, results/predict.ts) over every number of clients, its knee, and the cases where
 * measurement parts from it (outside the case's 95 % interval), each with its likely cause (results/theory/prediction-check.ts).
 */
import { formatRps, formatUs } from '../../lib/format.js';
import { demandCurve, predictModel, runCores, shapeOf } from '../../results/theory/predict.js';
import { checkPredictions, type PredictionCheck } from '../../results/theory/prediction-check.js';
import { causeText, checkText, errorText } from '../text/causes.js';
import type { Results } from '../../results/schema.js';
import { t, type TextKey } from '../../lib/lang/lang.js';
import { counted, kneeText } from './figures.js';

/** Theory's stations (results/theory), by the name it gives them: their words in the page's language. */
const STATIONS: Readonly<Record<string, TextKey>> = {
  client: 'rv.station.client',
  'the one connection': 'rv.station.connection',
  'the client’s connections': 'rv.station.clientConnections',
  'main thread': 'rv.station.mainThread',
  'own thread or process': 'rv.station.ownThread',
  thread: 'rv.station.thread',
  'event loop': 'rv.station.eventLoop',
  wait: 'rv.station.wait',
  threads: 'rv.station.threads',
  processes: 'rv.station.processes',
  'event loops': 'rv.station.eventLoops',
  'pool threads': 'rv.station.poolThreads',
  cores: 'rv.station.cores',
  none: 'rv.station.none',
};

/** A bottleneck as the page says it ("event loop" / "boucle d’événements"); a name it does not know, as it is. */
export function stationName(name: string): string {
  const key = STATIONS[name];
  return key === undefined ? name : t(key);
}

export interface TheoryPoint {
  readonly x: number;
  readonly rps: number;
  readonly meanLatencyUs: number;
}

export interface ModelTheoryView {
  readonly model: string;
  /** Predicted throughput and mean latency at many numbers of clients, for a smooth dashed line. */
  readonly curve: readonly TheoryPoint[];
  /** N*: clients where the bottleneck starts to be the limit; with the predicted throughput there. */
  readonly knee: number;
  readonly kneeRps: number;
  readonly bottleneck: string;
  /** "knee N* ≈ 1.9 clients (bottleneck: cores)": the knee marker's tooltip. */
  readonly kneeLabel: string;
  /** The demands it stands on, as a sentence. */
  readonly demands: string;
}

export interface CheckView extends Omit<PredictionCheck, 'cause'> {
  readonly text: string;
  /** The likely cause where theory and measurement part, in words; null where they agree. */
  readonly cause: string | null;
}

/** A check with its words. */
export function checkView(k: PredictionCheck): CheckView {
  return { ...k, text: checkText(k), cause: k.cause === null ? null : causeText(k.cause) };
}

export interface WorkloadTheoryView {
  readonly models: readonly ModelTheoryView[];
  /** Every predicted case of the workload, with its errors (the numbers table shows them). */
  readonly checks: readonly CheckView[];
  /** The checks whose prediction falls outside the measurement's interval. */
  readonly disagreements: readonly CheckView[];
  /** One sentence: how close theory came over the workload. */
  readonly summary: string;
}

/** Clients to draw the curve at: every level measured, and a log-spaced grid between 1 and the largest. */
export function curveClients(levels: readonly number[]): number[] {
  const max = Math.max(1, ...levels);
  const grid = new Set<number>(levels);
  for (let x = 1; x <= max; x = Math.max(x + 1, Math.round(x * 1.15))) grid.add(x);
  grid.add(max);
  return [...grid].sort((a, b) => a - b);
}

export function workloadTheory(results: Results, workload: string, models: readonly string[], levels: readonly number[]): WorkloadTheoryView | null {
  const cores = runCores(results);
  const clients = curveClients(levels);
  const max = clients[clients.length - 1] ?? 1;
  const views: ModelTheoryView[] = [];
  for (const model of models) {
    const c = results.cases.find((x) => x.mode === 'closed' && x.model === model && x.workload === workload);
    const demands = demandCurve(results, model, workload);
    if (c === undefined || demands === null) continue;
    const prediction = predictModel(shapeOf(c), demands, cores, max);
    if (prediction === null) continue;
    const at = (n: number): TheoryPoint | null => {
      const p = prediction.points[n - 1];
      return p === undefined ? null : { x: n, rps: p.rps, meanLatencyUs: p.meanLatencyUs };
    };
    const curve = clients.map(at).filter((p): p is TheoryPoint => p !== null);
    const knee = Math.max(1, prediction.knee);
    // The throughput at the knee, between the two whole numbers of clients around it.
    const lo = at(Math.max(1, Math.min(max, Math.floor(knee))));
    const hi = at(Math.max(1, Math.min(max, Math.ceil(knee))));
    const kneeRps = lo === null || hi === null ? 0 : lo.rps + (hi.rps - lo.rps) * (knee - Math.floor(knee));
    views.push({
      model,
      curve,
      knee: Math.round(knee * 10) / 10,
      kneeRps,
      bottleneck: prediction.bottleneck,
      kneeLabel: t('rv.theory.knee', { knee: kneeText(knee), bottleneck: stationName(prediction.bottleneck) }),
      demands: t('rv.theory.demands', {
        server: formatUs(demands.alone.serverCpu * 1e6),
        client: formatUs(demands.alone.clientCpu * 1e6),
        // Where a loaded level was measured, what a request costs from there on.
        loaded:
          demands.levels.length > 1
            ? t('rv.theory.loaded', {
                serverLoaded: formatUs(demands.loaded.serverCpu * 1e6),
                clientLoaded: formatUs(demands.loaded.clientCpu * 1e6),
                fitted: counted(demands.constantFrom, 'rv.clients.one', 'rv.clients.many'),
              })
            : '',
        wait: formatUs(demands.alone.wait * 1e6),
        bottleneck: stationName(prediction.bottleneck),
        knee: kneeText(knee),
        at: counted(max, 'rv.clients.one', 'rv.clients.many'),
        rps: formatRps(prediction.points[prediction.points.length - 1]?.rps ?? 0),
      }),
    });
  }
  if (views.length === 0) return null;
  const checks = checkPredictions(results)
    .filter((k) => k.mode === 'closed' && k.workload === workload)
    .map(checkView);
  const disagreements = checks.filter((k) => k.disagrees);
  const worst = checks.reduce<CheckView | null>((w, k) => (w === null || Math.abs(k.rpsError) > Math.abs(w.rpsError) ? k : w), null);
  const summary =
    worst === null
      ? t('rv.theory.noCheck')
      : disagreements.length === 0
        ? t('rv.theory.inside', { model: worst.model, at: counted(worst.at, 'rv.clients.one', 'rv.clients.many'), error: errorText(worst.rpsError) })
        : t('rv.theory.outside', { n: disagreements.length, total: checks.length });
  // A capped link is a station the models leave out: its time hides in the 1-client wait, a pure delay to theory.
  const rate = results.options.network?.rateMbit;
  const linkNote = rate === undefined ? '' : ` ${t('rv.theory.link', { rate })}`;
  return { models: views, checks, disagreements, summary: summary + linkNote };
}
