/**
 * The WebSocket closed loop (ws-echo): each client holds one connection and sends its next message when the echo of
 * the last one arrives. The same trial as the HTTP closed loop (closed-loop.ts): a warm-up, a window that opens once
 * every client has had an answer (the ramp), a drain until every message of the window has its echo. Throughput is
 * the echoes completed inside the window; latency, in microseconds in an HDR histogram, is each message's, from its
 * send to its echo, for the messages sent inside the window and those that waited through all of it.
 *
 * A connection the server refuses (503 past its bound, or a line that gave up) or closes is an error, and the client
 * connects again after a pause, so that the server keeps meeting the clients the case says.
 */
import WebSocket from 'ws';
import type { Histogram } from 'hdr-histogram-js';
import { msToUs, newLatencyHistogram } from './latency.js';
import { startTicker, type LoadStage } from './load-progress.js';
import { sliceMsFor, startTimeline } from './timeline.js';
import type { LoadOptions, LoadOutcome, RunningLoad } from './closed-loop.js';

/** The message every client sends: the server answers it reversed. */
export const ECHO_TEXT = 'hello, websocket';
/** How long a refused or closed client waits before it connects again. */
const RECONNECT_MS = 250;
/** How often pending messages are checked for a timeout (one timer for all, not one per message). */
const SWEEP_MS = 100;

/** The WebSocket URL of a path on an http(s) server. */
export function wsUrl(base: string, path: string): string {
  return `${base.replace(/^http/, 'ws')}${path}`;
}

/** `pid/thread` of the process that accepted a connection, from its 101 answer's X-Served-By-* headers. */
export function servedByOf(headers: Record<string, string | string[] | undefined>): string | null {
  const one = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const pid = one('x-served-by-pid');
  return pid === undefined ? null : `${pid}/${one('x-served-by-thread') ?? '0'}`;
}

interface Client {
  ws: WebSocket | null;
  /** Its last connection was refused at the upgrade (counted as non-2xx, not again as an error when it closes). */
  refused: boolean;
  /** When its message in flight was sent (performance.now), or null between messages. */
  sentAt: number | null;
  spanning: boolean;
  answered: boolean;
}

export function startWsEcho(options: LoadOptions & { readonly ca?: string }): RunningLoad {
  const histogram: Histogram = newLatencyHistogram();
  const servedBy = new Set<string>();
  const counts = { responses: 0, errors: 0, timeouts: 0, non2xx: 0 };
  const url = wsUrl(options.url, options.paths[0] ?? '/ws/echo');
  const timeoutMs = (options.timeoutSeconds ?? 10) * 1000;
  const t0 = performance.now();
  const warmupEnd = t0 + options.warmupSeconds * 1000;
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  let windowOpen = false;
  let windowClosed = false;
  let stopped = false;
  let stoppedAt: number | undefined;
  let rampEnd: number | null = null;
  let answeredClients = 0;
  let unansweredAtWindow = 0;
  let censored = 0;
  let lostInDrain = 0;
  const clients: Client[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void, ms: number): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const inWindow = (time: number): boolean => time >= windowStart && time < windowEnd;
  const stageAt = (time: number): LoadStage => (time < windowStart ? (time < warmupEnd ? 'warmup' : 'ramp') : time < windowEnd ? 'window' : 'drain');
  const ticker = options.onProgress === undefined ? null : startTicker(options.onProgress, t0, stageAt, options.tickMs);
  const inSample = (c: Client): boolean => c.sentAt !== null && (c.spanning || inWindow(c.sentAt));
  const waiting = (): number => clients.filter(inSample).length;
  const timeline = startTimeline(t0, sliceMsFor(options.warmupSeconds + 2 * options.maxDrainSeconds + options.durationSeconds), stageAt, () => clients.filter((c) => c.sentAt !== null).length);
  const countError = (timeout: boolean): void => {
    if (!stopped) {
      ticker?.error();
      timeline.error();
    }
    if (performance.now() < windowStart || stopped) return;
    counts.errors += 1;
    if (timeout) counts.timeouts += 1;
  };

  let resolveDone: (outcome: LoadOutcome) => void = () => undefined;
  const done = new Promise<LoadOutcome>((resolve) => {
    resolveDone = resolve;
  });

  const send = (c: Client): void => {
    if (stopped || c.ws?.readyState !== WebSocket.OPEN) return;
    c.sentAt = performance.now();
    c.spanning = false;
    c.ws.send(ECHO_TEXT);
  };

  /** A message of the sample given up (its connection closed, or it timed out) has no answer; it may have been the last. */
  const giveUp = (c: Client): void => {
    if (inSample(c)) lostInDrain += 1;
    c.sentAt = null;
    c.spanning = false;
    if (windowClosed && waiting() === 0) stop();
  };

  const connect = (c: Client): void => {
    if (stopped) return;
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs, ...(options.ca === undefined ? {} : { ca: options.ca }) });
    c.ws = ws;
    ws.on('upgrade', (response) => {
      if (!windowOpen) return;
      const who = servedByOf(response.headers);
      if (who !== null) servedBy.add(who);
    });
    ws.on('unexpected-response', (_request, response) => {
      // Refused at the upgrade (503: the server's bound, or its line gave up): an answer, but not the one asked for.
      c.refused = true;
      if (!stopped && performance.now() >= windowStart) counts.non2xx += 1;
      response.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      send(c);
    });
    ws.on('message', () => {
      const now = performance.now();
      const sentAt = c.sentAt ?? now;
      const spanning = c.spanning;
      c.sentAt = null;
      c.spanning = false;
      if (!c.answered) {
        c.answered = true;
        answeredClients += 1;
        if (answeredClients >= options.connections) {
          rampEnd ??= now;
          if (now >= warmupEnd) openWindow();
        }
      }
      if (stopped) return;
      const us = msToUs(now - sentAt);
      ticker?.record(us);
      timeline.record(us);
      if (inWindow(now)) counts.responses += 1;
      if (spanning || inWindow(sentAt)) histogram.recordValue(us);
      if (windowClosed && waiting() === 0) {
        stop();
        return;
      }
      send(c);
    });
    ws.on('error', () => undefined); // 'close' follows and counts it
    ws.on('close', () => {
      if (c.ws !== ws || stopped) return;
      c.ws = null;
      if (!c.refused) countError(false);
      c.refused = false;
      giveUp(c);
      later(() => {
        connect(c);
      }, RECONNECT_MS);
    });
  };

  const sweep = setInterval(() => {
    const now = performance.now();
    for (const c of clients) {
      if (c.sentAt !== null && now - c.sentAt > timeoutMs && c.ws !== null) {
        countError(true);
        giveUp(c);
        const ws = c.ws;
        c.ws = null;
        ws.terminate();
        later(() => {
          connect(c);
        }, 0);
      }
    }
  }, SWEEP_MS);

  const openWindow = (): void => {
    if (windowOpen || windowClosed || stopped) return;
    const now = performance.now();
    rampEnd ??= now;
    unansweredAtWindow = options.connections - answeredClients;
    windowStart = now;
    windowEnd = now + options.durationSeconds * 1000;
    windowOpen = true;
    later(closeWindow, options.durationSeconds * 1000);
    later(stop, (options.durationSeconds + options.maxDrainSeconds) * 1000);
    options.onWindowStart?.();
  };
  const closeWindow = (): void => {
    if (windowClosed) return;
    windowClosed = true;
    windowOpen = false;
    for (const c of clients) if (c.sentAt !== null && c.sentAt < windowStart) c.spanning = true;
    options.onWindowEnd?.();
    if (waiting() === 0) stop();
  };

  function stop(): void {
    if (stopped) return;
    stopped = true;
    stoppedAt = performance.now();
    censored = waiting();
    clearInterval(sweep);
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    ticker?.stop();
    if (!windowClosed) {
      windowClosed = true;
      if (windowOpen) options.onWindowEnd?.();
    }
    const sockets = clients.map((c) => c.ws).filter((ws): ws is WebSocket => ws !== null);
    for (const ws of sockets) ws.terminate();
    const end = Math.min(stoppedAt, windowEnd);
    resolveDone({
      rampSeconds: ((rampEnd ?? stoppedAt) - t0) / 1000,
      unansweredAtWindow: windowStart === Number.POSITIVE_INFINITY ? options.connections - answeredClients : unansweredAtWindow,
      responses: counts.responses,
      durationSeconds: Math.max(0.001, (end - windowStart) / 1000),
      histogram,
      censored: censored + lostInDrain,
      drainSeconds: Math.max(0, (stoppedAt - windowEnd) / 1000),
      errors: counts.errors,
      timeouts: counts.timeouts,
      non2xx: counts.non2xx,
      servedBy,
      timeline: timeline.finish({ startMs: Number.isFinite(windowStart) ? windowStart : null, endMs: Number.isFinite(windowStart) ? end : null }),
    });
  }

  later(() => {
    if (answeredClients >= options.connections) openWindow();
    else later(openWindow, options.maxDrainSeconds * 1000);
  }, Math.max(0, warmupEnd - performance.now()));
  // An upper bound, as the HTTP loop's: warm-up, the longest ramp, the window and the drain.
  later(stop, (options.warmupSeconds + 2 * options.maxDrainSeconds + options.durationSeconds + 1) * 1000);

  for (let i = 0; i < options.connections; i++) {
    const client: Client = { ws: null, refused: false, sentAt: null, spanning: false, answered: false };
    clients.push(client);
    connect(client);
  }
  return { done, stop };
}
