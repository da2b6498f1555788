/**
 * The load driver: the only module that touches autocannon. Closed loop (each connection sends its next
 * request when the previous answer arrives). Every response's latency goes into an HDR histogram in
 * microseconds: autocannon's own histogram keeps whole milliseconds, which would turn fast answers into 0 ms.
 */
import autocannon from 'autocannon';
import type { Histogram } from 'hdr-histogram-js';
import { msToUs, newLatencyHistogram } from './latency.js';

export interface LoadOptions {
  readonly url: string;
  readonly paths: readonly string[];
  readonly connections: number;
  /**
   * Load that runs first on the same connections and is not recorded. One continuous load, rather than a
   * separate warm-up: a server that queues (sequential, a full pool) would otherwise still be answering the
   * warm-up's abandoned requests during the measured time.
   */
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  /** A request without an answer after this long counts as a timeout. */
  readonly timeoutSeconds?: number;
  /** Called when the measured time begins (to start sampling the server). */
  readonly onMeasureStart?: () => void;
}

export interface LoadOutcome {
  /** Responses completed during the measured time. */
  readonly responses: number;
  readonly durationSeconds: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly histogram: Histogram;
  /** Distinct `pid/thread` pairs that answered, from the X-Served-By-* headers. */
  readonly servedBy: ReadonlySet<string>;
}

export interface RunningLoad {
  readonly done: Promise<LoadOutcome>;
  stop(): void;
}

function servedByOf(raw: readonly string[]): string | null {
  let pid: string | undefined;
  let thread: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]?.toLowerCase();
    if (name === 'x-served-by-pid') pid = raw[i + 1];
    else if (name === 'x-served-by-thread') thread = raw[i + 1];
  }
  return pid === undefined ? null : `${pid}/${thread ?? '0'}`;
}

/** Real autocannon passes http-parser-js's info object (raw header pairs), whatever its typings say. */
function rawHeadersOf(info: unknown): readonly string[] | null {
  if (typeof info !== 'object' || info === null || !('headers' in info)) return null;
  const { headers } = info;
  return Array.isArray(headers) && headers.every((h) => typeof h === 'string') ? headers : null;
}

export function startLoad(options: LoadOptions): RunningLoad {
  const histogram = newLatencyHistogram();
  const servedBy = new Set<string>();
  const counts = { errors: 0, timeouts: 0, non2xx: 0 };
  let measuring = false;
  let measureStart = 0;
  let measureEnd: number | undefined;
  const beginMeasure = (): void => {
    measuring = true;
    measureStart = performance.now();
    options.onMeasureStart?.();
  };
  // The measured window ends exactly on time; autocannon stops its clients a moment later.
  const endMeasure = (): void => {
    if (measureEnd !== undefined) return;
    measuring = false;
    measureEnd = performance.now();
  };
  let resolveDone: (outcome: LoadOutcome) => void = () => undefined;
  let rejectDone: (error: Error) => void = () => undefined;
  const done = new Promise<LoadOutcome>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      duration: options.warmupSeconds + options.durationSeconds,
      timeout: options.timeoutSeconds ?? 10,
      // autocannon stops only on a sample tick: at its default of 1 s, a 1.5 s load would run for 2 s.
      sampleInt: 100,
      requests: options.paths.map((path) => ({ method: 'GET' as const, path })),
      setupClient: (client) => {
        client.on('headers', (info: unknown) => {
          if (!measuring) return;
          const raw = rawHeadersOf(info);
          const who = raw === null ? null : servedByOf(raw);
          if (who !== null) servedBy.add(who);
        });
      },
    },
    (error: Error | null) => {
      clearTimeout(warmupTimer);
      clearTimeout(endTimer);
      if (error instanceof Error) {
        rejectDone(error);
        return;
      }
      if (measureStart === 0) beginMeasure(); // stopped during the warm-up: nothing measured
      endMeasure();
      resolveDone({
        responses: histogram.totalCount,
        durationSeconds: Math.max(0.001, ((measureEnd ?? performance.now()) - measureStart) / 1000),
        ...counts,
        histogram,
        servedBy,
      });
    },
  );
  const warmupTimer = setTimeout(beginMeasure, options.warmupSeconds * 1000);
  if (options.warmupSeconds === 0) beginMeasure(); // no warm-up: count from the first request
  const endTimer = setTimeout(endMeasure, (options.warmupSeconds + options.durationSeconds) * 1000);
  instance.on('response', (_client, status, _bytes, responseTimeMs) => {
    if (!measuring) return;
    histogram.recordValue(msToUs(responseTimeMs));
    if (status < 200 || status > 299) counts.non2xx += 1;
  });
  instance.on('reqError', (error: Error) => {
    if (!measuring) return;
    counts.errors += 1;
    if (error.message === 'request timed out') counts.timeouts += 1;
  });
  return {
    done,
    stop: () => {
      instance.stop();
    },
  };
}
