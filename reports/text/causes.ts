/** Theory against measurement, in words: an error, a check, and the likely cause where they part. */
import { formatBytes, formatRps } from '../../lib/format.js';
import { currentLang, decimal, t, type TextKey } from '../../lib/lang/lang.js';
import { speaker } from '../../lib/lang/sentences.js';
import type { Cause, PredictionCheck } from '../../results/theory/prediction-check.js';
import { clientsText } from './conclusions.js';

/** "+8%", "−12%", and "0%" for what rounds to nothing (a sign on 0 would claim a direction it does not have); French "+8 %". */
export function errorText(x: number): string {
  const whole = Math.round(Math.abs(x) * 100);
  const percent = `${whole}${currentLang() === 'fr' ? '\u00a0%' : '%'}`;
  return whole === 0 ? percent : `${x > 0 ? '+' : '−'}${percent}`;
}

/** The likely cause, in a sentence, in the current language. */
export function causeText(cause: Cause): string {
  switch (cause.kind) {
    case 'uncertain-demands': {
      // The warning the 1-client case carries, in the page's language where the file says what it was made from.
      const why = speaker(cause.said === undefined ? undefined : { [cause.why]: cause.said })(cause.why);
      return t('th.cause.uncertainDemands', { why });
    }
    case 'jit-batching':
      return t('th.cause.jitBatching');
    case 'client-saturation':
      return t('th.cause.clientSaturation', { cpu: Math.round(cause.clientCpuPercent) });
    case 'client-lag':
      return t('th.cause.clientLag');
    case 'link-rate':
      return t('th.cause.linkRate', { rate: decimal(String(cause.rateMbit)) });
    case 'slow-ramp':
      return t('th.cause.slowRamp');
    case 'machine-changed':
      return t('th.cause.machineChanged');
    case 'memory':
      return t('th.cause.memory', { rss: formatBytes(cause.rssBytes), base: formatBytes(cause.baseRssBytes) });
    case 'hand-off':
      return t('th.cause.handOff');
    case 'contention':
      return t('th.cause.contention');
    case 'open-client-lag':
      return t('th.cause.openClientLag');
    case 'too-few-requests':
      return t(cause.windows > 1 ? 'th.cause.tooFewRequestsWindows' : 'th.cause.tooFewRequests', { requests: cause.requests });
    case 'near-saturation':
      return t('th.cause.nearSaturation', { capacity: cause.capacity, rate: decimal(String(cause.rate)) });
    case 'slow-settle':
      return t('th.cause.slowSettle');
    case 'variable-service':
      return t('th.cause.variableService');
    case 'batching':
      return t('th.cause.batching');
  }
}

/** "16 clients", "1 client", "25 req/s offered": where a check was made. */
function checkWhere(k: Pick<PredictionCheck, 'mode' | 'at'>): string {
  if (k.mode === 'open') return t('th.offered', { rate: decimal(String(k.at)) });
  return clientsText(k.at);
}

/** "sequential at 64 clients: measured 47.1 req/s, theory 48.2 (−2%)" — for the page's list of disagreements. */
export function checkText(k: PredictionCheck): string {
  return t('th.check', { model: k.model, where: checkWhere(k), measured: formatRps(k.measuredRps), theory: formatRps(k.predictedRps), error: errorText(k.rpsError), latency: errorText(k.latencyError) });
}

/** The stations of the queueing models (results/theory/predict.ts, predict-open.ts), by the name they bear there. */
const STATIONS: ReadonlyMap<string, TextKey> = new Map(Object.entries({
  client: 'th.station.client',
  thread: 'th.station.thread',
  threads: 'th.station.threads',
  processes: 'th.station.processes',
  'event loop': 'th.station.eventLoop',
  'event loops': 'th.station.eventLoops',
  wait: 'th.station.wait',
  'main thread': 'th.station.mainThread',
  'pool threads': 'th.station.poolThreads',
  'the one connection': 'th.station.oneConnection',
  'own thread or process': 'th.station.ownThread',
  cores: 'th.station.cores',
  'the client’s connections': 'th.station.clientConnections',
  none: 'th.station.none',
} satisfies Record<string, TextKey>));
const PARALLEL_PART = ' (parallel part)';

/**
 * A station of the models, or a bottleneck ("event loop", "cores", "the client’s connections"), in the current
 * language: the models name their stations in English (they key the MVA's queues); a page says them with this.
 * A name the lab does not know is returned as it is.
 */
export function stationText(name: string): string {
  if (name.endsWith(PARALLEL_PART)) return t('th.station.parallelPart', { station: stationText(name.slice(0, -PARALLEL_PART.length)) });
  const key = STATIONS.get(name);
  return key === undefined ? name : t(key);
}
