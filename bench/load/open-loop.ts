/**
 * The open-loop load driver: requests arrive at a planned rate (bench/schedule.ts), sent with undici on at
 * most `maxInflight` keep-alive connections. Not autocannon's rate options: they refill a per-connection
 * budget once a second (bursts) and correct coordinated omission with a fixed 1 ms interval.
 *
 * One trial = a warm-up (planned and sent, not recorded), a window, a drain. The sample is every request
 * planned inside the window; each is timed twice: from its planned time (corrected: what a user who arrived
 * then waited) and from its actual send (uncorrected: what a closed-loop tool would report). After the window
 * no request is planned; the client keeps sending the window's queued requests and waits for their answers,
 * up to the drain limit; then the unsent ones are dropped and the unanswered ones censored.
 */
import type { Histogram } from 'hdr-histogram-js';
import { Pool } from 'undici';
import { messageOf } from '../../lib/errors.js';
import { msToUs, newLatencyHistogram } from './latency.js';
import { realClock, startSchedule, type Arrivals, type Clock } from './schedule.js';
import { startTicker, type LoadStage, type LoadWindow } from './load-progress.js';
import { sliceMsFor, startTimeline, type LoadTimeline } from './timeline.js';

export interface OpenLoadOptions extends LoadWindow {
  readonly rate: number;
  readonly arrivals: Arrivals;
  readonly random: () => number;
  readonly maxInflight: number;
  readonly clock?: Clock;
  /** An https URL: the certificate to trust (the lab's own, PEM). */
  readonly ca?: string;
}

export interface OpenLoadOutcome {
  /** Answers completed inside the window. */
  readonly responses: number;
  readonly durationSeconds: number;
  /** From the planned send time (coordinated omission corrected). */
  readonly histogram: Histogram;
  /** From the actual send time. */
  readonly uncorrected: Histogram;
  /** Sends of the window that found a free connection: how far they trailed their planned time. */
  readonly lateness: Histogram;
  readonly planned: number;
  readonly late: number;
  readonly dropped: number;
  readonly censored: number;
  /** Mean requests in flight over the window (time-weighted): Little's law's L. */
  readonly meanInflight: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly servedBy: ReadonlySet<string>;
  /** The whole load (warm-up, window, drain) slice by slice. */
  readonly timeline: LoadTimeline;
}

export interface RunningOpenLoad {
  readonly done: Promise<OpenLoadOutcome>;
  stop(): void;
}

const header = (headers: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function startOpenLoad(options: OpenLoadOptions): RunningOpenLoad {
  const clock = options.clock ?? realClock;
  const timeoutMs = (options.timeoutSeconds ?? 30) * 1000;
  const pool = new Pool(options.url, { connections: options.maxInflight, pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, ...(options.ca === undefined ? {} : { connect: { ca: options.ca } }) });
  const reset = options.newConnections === true;
  const histogram = newLatencyHistogram();
  const uncorrected = newLatencyHistogram();
  const lateness = newLatencyHistogram();
  const servedBy = new Set<string>();
  const counts = { responses: 0, errors: 0, timeouts: 0, non2xx: 0, late: 0, sampleSent: 0, sampleDone: 0 };
  const t0 = clock.now();
  const windowStart = t0 + options.warmupSeconds * 1000;
  const windowEnd = windowStart + options.durationSeconds * 1000;
  const drainLimit = windowEnd + options.maxDrainSeconds * 1000;
  let planInWindow = 0;
  let stopped = false;
  let windowClosed = false;
  // Little's law's L over the window: the integral of requests in flight, at every change.
  let inflight = 0;
  let lastChange = windowStart;
  let inflightArea = 0;
  const changeInflight = (delta: number): void => {
    const now = clock.now();
    if (now > windowStart) {
      const from = Math.max(lastChange, windowStart);
      const to = Math.min(now, windowEnd);
      if (to > from) inflightArea += inflight * (to - from);
      lastChange = now;
    }
    inflight += delta;
  };

  let resolveDone: (outcome: OpenLoadOutcome) => void = () => undefined;
  const done = new Promise<OpenLoadOutcome>((resolve) => {
    resolveDone = resolve;
  });
  let pathIndex = 0;
  const inWindow = (t: number): boolean => t >= windowStart && t < windowEnd;
  // The ticker runs on real time; a test's hand-driven clock gives no onProgress.
  const stageAt = (t: number): LoadStage => (t < windowStart ? 'warmup' : t < windowEnd ? 'window' : 'drain');
  const ticker = options.onProgress === undefined ? null : startTicker(options.onProgress, t0, stageAt, options.tickMs);
  const timeline = startTimeline(t0, sliceMsFor(options.warmupSeconds + options.durationSeconds + options.maxDrainSeconds), stageAt, () => inflight, () => clock.now());

  const send = async (plannedAt: number, sentAt: number, waited: boolean): Promise<void> => {
    const sample = inWindow(plannedAt);
    if (sample) {
      counts.sampleSent += 1;
      if (waited) counts.late += 1;
      else lateness.recordValue(msToUs(Math.max(0, sentAt - plannedAt)));
    }
    const path = options.paths[pathIndex % options.paths.length] ?? '/';
    pathIndex += 1;
    changeInflight(1);
    try {
      const response = await pool.request({ path, method: 'GET', reset });
      // The answer is complete when its last byte has arrived: read it all, whatever its size.
      await response.body.dump({ limit: Number.MAX_SAFE_INTEGER });
      const now = clock.now();
      if (stopped) return;
      ticker?.record(msToUs(now - plannedAt));
      timeline.record(msToUs(now - plannedAt));
      if (inWindow(now)) {
        counts.responses += 1;
        if (response.statusCode < 200 || response.statusCode > 299) counts.non2xx += 1;
        const pid = header(response.headers, 'x-served-by-pid');
        if (pid !== undefined) servedBy.add(`${pid}/${header(response.headers, 'x-served-by-thread') ?? '0'}`);
      }
      if (sample) {
        histogram.recordValue(msToUs(now - plannedAt));
        uncorrected.recordValue(msToUs(now - sentAt));
      }
    } catch (error: unknown) {
      if (stopped) return;
      ticker?.error();
      timeline.error();
      // The window's own requests (planned in it), as the latency sample: a warm-up request failing late is not one.
      if (sample) {
        counts.errors += 1;
        if (/timeout/i.test(messageOf(error))) counts.timeouts += 1;
      }
    } finally {
      changeInflight(-1);
      if (sample) counts.sampleDone += 1;
      if (windowClosed) finishIfDrained();
    }
  };

  const schedule = startSchedule({
    rate: options.rate,
    arrivals: options.arrivals,
    random: options.random,
    maxInflight: options.maxInflight,
    startAt: t0,
    planUntil: windowEnd,
    clock,
    send: (plannedAt, sentAt, waited) => {
      if (inWindow(plannedAt)) planInWindow += 1;
      return send(plannedAt, sentAt, waited);
    },
  });

  /** Every request planned in the window has been sent and answered. */
  // Node's timers can fire a little before their target: the window has closed only once every request planned
  // in it has been released by the schedule, sent, and answered.
  const finishIfDrained = (): void => {
    if (schedule.nextPlannedAt < windowEnd) return;
    if (counts.sampleDone === planInWindow && !schedule.waiting().some(inWindow)) finish();
  };
  let finished = false;
  const timers: (() => void)[] = [];
  const finish = (): void => {
    if (finished) return;
    finished = true;
    for (const cancel of timers) cancel();
    ticker?.stop();
    if (!windowClosed) closeWindow();
    const now = clock.now();
    changeInflight(0);
    schedule.stop();
    stopped = true;
    const waiting = schedule.waiting();
    const dropped = waiting.filter(inWindow).length;
    // Requests planned in the window but not yet handed to `send` count too: the queue holds them.
    const censored = counts.sampleSent - counts.sampleDone;
    const end = Math.min(now, windowEnd);
    const outcome: OpenLoadOutcome = {
      responses: counts.responses,
      durationSeconds: Math.max(0.001, (end - windowStart) / 1000),
      histogram,
      uncorrected,
      lateness,
      planned: planInWindow + dropped,
      late: counts.late,
      dropped,
      censored,
      meanInflight: inflightArea / Math.max(1, Math.min(now, windowEnd) - windowStart),
      errors: counts.errors,
      timeouts: counts.timeouts,
      non2xx: counts.non2xx,
      servedBy,
      timeline: timeline.finish({ startMs: windowStart, endMs: end }),
    };
    // Requests still in flight are abandoned with their connections (the servers drop a departed client's work);
    // the trial ends once the connections are closed, so that the next trial does not meet them.
    void pool
      .destroy()
      .catch(() => undefined)
      .then(() => {
        resolveDone(outcome);
      });
  };
  function closeWindow(): void {
    if (windowClosed) return;
    windowClosed = true;
    options.onWindowEnd?.();
  }
  timers.push(clock.at(windowStart, () => options.onWindowStart?.()));
  timers.push(
    clock.at(windowEnd, () => {
      closeWindow();
      finishIfDrained();
    }),
  );
  timers.push(clock.at(drainLimit, finish));
  return { done, stop: finish };
}
