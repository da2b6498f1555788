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
  readonly durationSeconds: number;
  /** A request without an answer after this long counts as a timeout. */
  readonly timeoutSeconds?: number;
}

export interface LoadOutcome {
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
      duration: options.durationSeconds,
      timeout: options.timeoutSeconds ?? 10,
      requests: options.paths.map((path) => ({ method: 'GET' as const, path })),
      setupClient: (client) => {
        client.on('headers', (info: unknown) => {
          const raw = rawHeadersOf(info);
          const who = raw === null ? null : servedByOf(raw);
          if (who !== null) servedBy.add(who);
        });
      },
    },
    (error: Error | null, result: autocannon.Result) => {
      if (error instanceof Error) {
        rejectDone(error);
        return;
      }
      resolveDone({
        responses: histogram.totalCount,
        durationSeconds: result.duration,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        histogram,
        servedBy,
      });
    },
  );
  instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
    histogram.recordValue(msToUs(responseTimeMs));
  });
  return {
    done,
    stop: () => {
      instance.stop();
    },
  };
}
