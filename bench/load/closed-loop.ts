/**
 * The load driver: the only module that touches autocannon. Closed loop: each connection sends its next
 * request when the previous answer arrives.
 *
 * One trial = a warm-up (not recorded), a measured window, then a drain. The window opens after the warm-up, and
 * not before every client has had an answer (its connection accepted and served once): a busy event loop accepts
 * one new connection per turn of its loop (strace shows one accept4 per turn in Node.js 20), so 64 clients that
 * connect at once onto 2 ms requests took up to 4.3 s to all get in here, and a window opened earlier would measure
 * fewer clients than it says, with the late ones' first requests spanning it. That wait (the ramp) is bounded by
 * the drain's limit; a window that opens with clients still unanswered says how many.
 *
 * Throughput counts the answers that complete inside the window. Latency is measured on the requests *sent* inside
 * the window, each timed to its answer even when that comes after the window closed, and on the requests that
 * waited through the whole window (sent before it, still unanswered after it: a server that starves some
 * connections, as a saturated event loop does, must not hide them). The load goes on until every such request has
 * its answer (the drain), so that a server that makes clients wait longer than the window is not shown faster than
 * it is (Little's law: N = X × R). A request still unanswered when the drain gives up is counted as censored, and
 * the latency is then a lower bound.
 *
 * Every latency goes into an HDR histogram in microseconds: autocannon's own histogram keeps whole
 * milliseconds, which would turn fast answers into 0 ms.
 *
 * A new connection per request (--new-connections, and the session workload) is a `Connection: close` header:
 * the server closes after each answer and autocannon reconnects. autocannon 8 has no clean way to do it: its
 * `reconnectRate` drops the answer (no 'response' event, no onResponse), and after `Connection: close` it writes
 * the next request on the closing connection (the server never reads it) before it reconnects on 'end', so its
 * own timings start at that lost write and drift further each time. Then the driver times each request itself,
 * from the first send after the previous answer: connect and handshake included, as a browser would see them.
 */
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import type { Histogram } from 'hdr-histogram-js';
import { msToUs, newLatencyHistogram } from './latency.js';
import { startTicker, type LoadStage, type LoadWindow } from './load-progress.js';
import { sliceMsFor, startTimeline, type LoadTimeline } from './timeline.js';
import { newVisitor, recordVisit, setCookieOf } from './visits.js';

export interface LoadOptions extends LoadWindow {
  readonly connections: number;
  /** The session workload: each connection is a client with its cookie, and its answers are checked (bench/visits.ts). */
  readonly session?: boolean;
}

export interface LoadOutcome {
  /** Answers completed inside the window. */
  readonly responses: number;
  readonly durationSeconds: number;
  /** Latency of the requests sent inside the window (drained). */
  readonly histogram: Histogram;
  /** Requests sent inside the window that had no answer when the drain gave up. */
  readonly censored: number;
  readonly drainSeconds: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  /** Distinct `pid/thread` pairs that answered in the window, from the X-Served-By-* headers. */
  readonly servedBy: ReadonlySet<string>;
  /** The session workload: answers in the window whose visit count was not their client's previous + 1. */
  readonly lostUpdates?: number;
  /** From the start of the load until every client had its first answer (or the window opened without it). */
  readonly rampSeconds: number;
  /** Clients still without any answer when the window opened (the ramp gave up): 0 normally. */
  readonly unansweredAtWindow: number;
  /** The whole load (warm-up, window, drain) slice by slice. */
  readonly timeline: LoadTimeline;
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

/** One connection's request in flight: when it was sent (performance.now), or null between requests. */
interface Connection {
  sentAt: number | null;
  /** Its request was sent before the window and was still unanswered when the window closed. */
  spanning: boolean;
  /** It has had an answer: the server accepted its connection and served it once. */
  answered: boolean;
  /** Its pending request timed out (an error already): sending the next one does not count it again. */
  timedOut: boolean;
}

export function startLoad(options: LoadOptions): RunningLoad {
  const histogram = newLatencyHistogram();
  const servedBy = new Set<string>();
  const counts = { responses: 0, errors: 0, timeouts: 0, non2xx: 0, lostUpdates: 0 };
  const fresh = options.newConnections === true || options.session === true;
  const connections: Connection[] = [];
  const t0 = performance.now();
  const warmupEnd = t0 + options.warmupSeconds * 1000;
  // Set when the window opens (after the warm-up and the ramp): until then, every time is before it.
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  let rampEnd: number | null = null;
  let unansweredAtWindow = 0;
  let answeredClients = 0;
  let windowOpen = false;
  let windowClosed = false;
  let stopped = false;
  let stoppedAt: number | undefined;
  let censored = 0;
  /** Requests of the sample given up by the client (a timeout, a reconnection) before their answer came. */
  let lostInDrain = 0;

  const inWindow = (time: number): boolean => time >= windowStart && time < windowEnd;
  const stageAt = (time: number): LoadStage => (time < windowStart ? (time < warmupEnd ? 'warmup' : 'ramp') : time < windowEnd ? 'window' : 'drain');
  const ticker = options.onProgress === undefined ? null : startTicker(options.onProgress, t0, stageAt, options.tickMs);
  /** Requests of the sample (sent inside the window, or waiting through all of it) that still wait for their answer. */
  const waiting = (): number => connections.filter((c) => c.sentAt !== null && (c.spanning || inWindow(c.sentAt))).length;
  // Planned length: warm-up, the longest ramp, the window and the longest drain.
  const timeline = startTimeline(t0, sliceMsFor(options.warmupSeconds + 2 * options.maxDrainSeconds + options.durationSeconds), stageAt, () => connections.filter((c) => c.sentAt !== null).length);

  let resolveDone: (outcome: LoadOutcome) => void = () => undefined;
  let rejectDone: (error: Error) => void = () => undefined;
  const done = new Promise<LoadOutcome>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    stoppedAt = performance.now();
    censored = waiting();
    instance.stop();
  };
  let closeTimer: NodeJS.Timeout | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  let rampTimer: NodeJS.Timeout | undefined;
  const openWindow = (): void => {
    if (windowOpen || windowClosed || stopped) return;
    clearTimeout(rampTimer);
    const now = performance.now();
    rampEnd ??= now;
    unansweredAtWindow = options.connections - answeredClients;
    windowStart = now;
    windowEnd = windowStart + options.durationSeconds * 1000;
    windowOpen = true;
    // The timers first: this may run inside autocannon's response handler, and a throwing listener must not leave
    // a window that never closes.
    closeTimer = setTimeout(closeWindow, options.durationSeconds * 1000);
    drainTimer = setTimeout(stop, (options.durationSeconds + options.maxDrainSeconds) * 1000);
    options.onWindowStart?.();
  };
  /** After the warm-up: the window opens as soon as every client has had an answer, or when the ramp gives up. */
  const everyClientAnswered = (): boolean => answeredClients >= options.connections;
  const afterWarmup = (): void => {
    if (everyClientAnswered()) openWindow();
    else rampTimer = setTimeout(openWindow, options.maxDrainSeconds * 1000);
  };
  const closeWindow = (): void => {
    if (windowClosed) return;
    windowClosed = true;
    windowOpen = false;
    for (const c of connections) if (c.sentAt !== null && c.sentAt < windowStart) c.spanning = true;
    options.onWindowEnd?.();
    if (waiting() === 0) stop();
  };

  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      // An upper bound only (warm-up, the longest ramp, window, drain): the trial stops itself once the drain is over.
      duration: options.warmupSeconds + options.maxDrainSeconds + options.durationSeconds + options.maxDrainSeconds + 1,
      timeout: options.timeoutSeconds ?? 10,
      // autocannon notices a stop only on a sample tick: at its default of 1 s, a stop would wait up to 1 s.
      sampleInt: 50,
      requests: options.paths.map((path) => ({ method: 'GET' as const, path })),
      // autocannon writes `Connection: keep-alive` itself; a second Connection header with `close` wins in Node.js's parser.
      ...(fresh ? { headers: { connection: 'close' } } : {}),
      setupClient: (client) => {
        const connection: Connection = { sentAt: null, spanning: false, answered: false, timedOut: false };
        connections.push(connection);
        if (options.session === true) {
          // Each connection is one client: its cookie lives in this closure (autocannon's per-request context is
          // reset whenever its list of requests wraps around, i.e. after every request of a one-path workload).
          const visitor = newVisitor();
          client.setRequests(
            options.paths.map((path) => ({
              method: 'GET' as const,
              path,
              setupRequest: (request) => (visitor.cookie === null ? request : { ...request, headers: { ...request.headers, cookie: visitor.cookie } }),
              onResponse: (status, body, _context, headers) => {
                const lost = recordVisit(visitor, status, body, setCookieOf(headers ?? {}));
                const now = performance.now();
                if (lost && !stopped && now >= windowStart && now < windowEnd) counts.lostUpdates += 1;
              },
            })),
          );
        }
        // autocannon's client emits 'request' as it sends, 'connError' and 'timeout'; its typings leave them out.
        const events = client as unknown as EventEmitter;
        events.on('request', () => {
          // New connections: the write after an answer goes to the closing connection and the same request is sent
          // again once reconnected; its time runs from the first.
          if (fresh && connection.sentAt !== null) return;
          // A request of the sample still pending here was given up (the server closed the connection, and autocannon
          // reconnected): it has no answer. The timeline counts every request given up as an error of its slice.
          if (connection.sentAt !== null && (connection.spanning || inWindow(connection.sentAt))) lostInDrain += 1;
          if (connection.sentAt !== null && !connection.timedOut && !stopped) timeline.error();
          connection.timedOut = false;
          connection.sentAt = performance.now();
          connection.spanning = false;
        });
        // A connection that fails (refused, reset) fails its request: autocannon counts it (reqError, below) and
        // connects again; it is not given up a second time when the next one is sent.
        events.on('connError', () => {
          connection.sentAt = null;
          connection.spanning = false;
        });
        events.on('timeout', () => {
          connection.timedOut = true;
          // New connections: a timeout reconnects and sends again: the request timed out is given up (its 'request'
          // was skipped above).
          if (fresh) {
            if (connection.sentAt !== null && (connection.spanning || inWindow(connection.sentAt))) lostInDrain += 1;
            connection.sentAt = performance.now();
            connection.spanning = false;
          }
        });
        client.on('headers', (info: unknown) => {
          if (!windowOpen) return;
          const raw = rawHeadersOf(info);
          const who = raw === null ? null : servedByOf(raw);
          if (who !== null) servedBy.add(who);
        });
        client.on('response', (status: number, _bytes: number, responseTimeMs: number) => {
          const now = performance.now();
          const sentAt = connection.sentAt ?? now - responseTimeMs;
          const spanning = connection.spanning;
          connection.sentAt = null;
          connection.spanning = false;
          if (!connection.answered) {
            connection.answered = true;
            answeredClients += 1;
            if (everyClientAnswered()) {
              rampEnd ??= now;
              if (now >= warmupEnd) openWindow();
            }
          }
          if (stopped) return;
          const latencyUs = msToUs(fresh ? now - sentAt : responseTimeMs);
          ticker?.record(latencyUs);
          timeline.record(latencyUs);
          if (now >= windowStart && now < windowEnd) {
            counts.responses += 1;
            if (status < 200 || status > 299) counts.non2xx += 1;
          }
          // New connections: autocannon's own time starts at a write the server never read (see above).
          if (spanning || inWindow(sentAt)) histogram.recordValue(latencyUs);
          if (windowClosed && waiting() === 0) stop();
        });
      },
    },
    (error: Error | null) => {
      clearTimeout(warmupTimer);
      clearTimeout(rampTimer);
      clearTimeout(closeTimer);
      clearTimeout(drainTimer);
      ticker?.stop();
      if (error instanceof Error) {
        timeline.finish({ startMs: null, endMs: null });
        rejectDone(error);
        return;
      }
      if (!stopped) {
        // autocannon ended by itself (its duration, or every connection gone): whatever still waits is censored.
        stoppedAt = performance.now();
        censored = waiting();
        stopped = true;
      }
      const end = Math.min(stoppedAt ?? windowEnd, windowEnd);
      const stoppedTime = stoppedAt ?? performance.now();
      resolveDone({
        rampSeconds: ((rampEnd ?? stoppedTime) - t0) / 1000,
        unansweredAtWindow: windowOpen || windowClosed ? unansweredAtWindow : options.connections - answeredClients,
        responses: counts.responses,
        durationSeconds: Math.max(0.001, (end - windowStart) / 1000),
        histogram,
        censored: censored + lostInDrain,
        drainSeconds: Math.max(0, ((stoppedAt ?? windowEnd) - windowEnd) / 1000),
        errors: counts.errors,
        timeouts: counts.timeouts,
        non2xx: counts.non2xx,
        servedBy,
        ...(options.session === true ? { lostUpdates: counts.lostUpdates } : {}),
        timeline: timeline.finish({ startMs: windowOpen || windowClosed ? windowStart : null, endMs: windowOpen || windowClosed ? end : null }),
      });
    },
  );
  const warmupTimer = setTimeout(afterWarmup, Math.max(0, warmupEnd - performance.now()));
  instance.on('reqError', (error: Error) => {
    if (!stopped) {
      ticker?.error();
      timeline.error();
    }
    // Errors count from the window's start to the end of the drain: the drain's requests are the window's too.
    if (performance.now() < windowStart || stopped) return;
    counts.errors += 1;
    if (error.message === 'request timed out') counts.timeouts += 1;
  });
  return { done, stop };
}
