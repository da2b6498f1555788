/**
 * The chat's open loop (ws-chat): N members join one room, then one of them publishes messages at planned times,
 * whatever the server does (the schedule of the HTTP open loop), and every member, the publisher included, must
 * receive every message once. A delivery's latency counts from the message's planned send to that member's receipt
 * (the fan-out latency, coordinated omission corrected); the uncorrected one from the actual send beside it.
 *
 * The sample is every message planned inside the window, times every member of the room: a delivery that has not
 * arrived when the drain gives up is lost, a second copy is duplicated. Both must be 0 on a correct server; a member
 * the server dropped (a reader too slow for the room) loses what follows, and it counts; a message the publisher could
 * not send (its own connection gone) is dropped, and counts too.
 */
import WebSocket from 'ws';
import { wsText } from '../../lib/ws-text.js';
import { sentence } from '../../lib/lang/sentences.js';
import { msToUs, newLatencyHistogram } from './latency.js';
import { startTicker, type LoadStage, type LoadWindow } from './load-progress.js';
import { sliceMsFor, startTimeline, type LoadTimeline, type TimelineRecorder } from './timeline.js';
import type { OpenLoadOutcome, RunningOpenLoad } from './open-loop.js';
import { realClock, startSchedule, type Arrivals } from './schedule.js';
import { servedByOf, wsUrl } from './ws-echo.js';

export interface ChatLoadOptions extends LoadWindow {
  /** Messages per second the publisher sends. */
  readonly rate: number;
  readonly arrivals: Arrivals;
  readonly random: () => number;
  /** Members of the room, the publisher included. */
  readonly members: number;
  readonly ca?: string;
}

/** What the chat adds to an open loop's outcome: the room's deliveries, and what went wrong with them. */
export interface ChatCounts {
  readonly members: number;
  /** Messages planned inside the window (the sample), and sent. */
  readonly messages: number;
  /** Deliveries of the sample's messages that arrived (at most messages × members). */
  readonly deliveries: number;
  readonly lost: number;
  readonly duplicated: number;
}

export type ChatLoadOutcome = OpenLoadOutcome & { readonly chat: ChatCounts };

/** A member's receipts: one byte per message sequence number, grown as messages are sent. */
class Receipts {
  private seen = new Uint8Array(1024);
  mark(seq: number): boolean {
    if (seq >= this.seen.length) {
      const grown = new Uint8Array(Math.max(this.seen.length * 2, seq + 1));
      grown.set(this.seen);
      this.seen = grown;
    }
    const first = this.seen[seq] === 0;
    this.seen[seq] = 1;
    return first;
  }
}

interface Member {
  readonly name: string;
  ws: WebSocket | null;
  joined: boolean;
  readonly receipts: Receipts;
}

interface Sent {
  readonly plannedAt: number;
  readonly sentAt: number;
  received: number;
}

/** How long the room may take to fill before the trial gives up. */
const JOIN_LIMIT_MS = 10_000;

export function startChatLoad(options: ChatLoadOptions): RunningOpenLoad {
  const histogram = newLatencyHistogram();
  const uncorrected = newLatencyHistogram();
  const lateness = newLatencyHistogram();
  const servedBy = new Set<string>();
  // A room of its own for every trial: a late delivery of an earlier trial cannot count in this one.
  const tag = `t${Math.floor(Math.random() * 2 ** 31).toString(36)}`;
  const room = `bench-${tag}`;
  const counts = { responses: 0, errors: 0, non2xx: 0, duplicated: 0, dropped: 0 };
  /** Deliveries of the sample's messages still owed: the drain ends when none is (kept as a count, not searched). */
  let outstanding = 0;
  const members: Member[] = Array.from({ length: options.members }, (_, i) => ({ name: `m${i}`, ws: null, joined: false, receipts: new Receipts() }));
  const sent: Sent[] = [];
  let joined = 0;
  let stopped = false;
  let t0 = Number.POSITIVE_INFINITY;
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  let windowClosed = false;
  const inWindow = (t: number): boolean => t >= windowStart && t < windowEnd;
  const stageAt = (t: number): LoadStage => (t < windowStart ? 'warmup' : t < windowEnd ? 'window' : 'drain');
  const ticker = options.onProgress === undefined ? null : startTicker(options.onProgress, performance.now(), stageAt, options.tickMs);
  // Little's L over the window: deliveries owed and not yet arrived.
  let owed = 0;
  let lastChange = 0;
  let owedArea = 0;
  const changeOwed = (delta: number): void => {
    const now = performance.now();
    if (now > windowStart) {
      const from = Math.max(lastChange, windowStart);
      const to = Math.min(now, windowEnd);
      if (to > from) owedArea += owed * (to - from);
      lastChange = now;
    }
    owed += delta;
  };

  let resolveDone: (outcome: ChatLoadOutcome) => void = () => undefined;
  let rejectDone: (error: Error) => void = () => undefined;
  const done = new Promise<ChatLoadOutcome>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const timers: (() => void)[] = [];
  const at = (time: number, fn: () => void): void => {
    timers.push(realClock.at(time, fn));
  };

  const publisher = members[0];
  const deliver = (member: Member, text: string): void => {
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof event !== 'object' || event === null) return;
    const e = event as { type?: unknown; member?: unknown; text?: unknown };
    if (e.type === 'join' && e.member === member.name && !member.joined) {
      member.joined = true;
      joined += 1;
      if (joined === members.length) begin();
      return;
    }
    if (e.type !== 'message' || typeof e.text !== 'string' || !e.text.startsWith(`${tag}:`)) return;
    const seq = Number(e.text.slice(tag.length + 1));
    const message = sent[seq];
    if (message === undefined) return;
    const sample = inWindow(message.plannedAt);
    if (!member.receipts.mark(seq)) {
      if (sample) counts.duplicated += 1;
      return;
    }
    const now = performance.now();
    message.received += 1;
    if (sample) outstanding -= 1;
    changeOwed(-1);
    if (stopped) return;
    ticker?.record(msToUs(now - message.plannedAt));
    timeline?.record(msToUs(now - message.plannedAt));
    if (inWindow(now)) counts.responses += 1;
    if (inWindow(message.plannedAt)) {
      histogram.recordValue(msToUs(now - message.plannedAt));
      uncorrected.recordValue(msToUs(now - message.sentAt));
    }
    if (windowClosed) finishIfDrained();
  };

  for (const member of members) {
    const ws = new WebSocket(wsUrl(options.url, `/ws/chat?room=${room}&name=${member.name}`), { perMessageDeflate: false, ...(options.ca === undefined ? {} : { ca: options.ca }) });
    member.ws = ws;
    ws.on('upgrade', (response) => {
      const who = servedByOf(response.headers);
      if (who !== null) servedBy.add(who);
    });
    ws.on('unexpected-response', (_request, response) => {
      counts.non2xx += 1;
      response.resume();
      ws.terminate();
    });
    ws.on('message', (data) => {
      deliver(member, wsText(data));
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      member.ws = null;
      // A member that leaves (or is dropped) during the trial is an error: what it was owed is lost.
      if (!stopped && t0 !== Number.POSITIVE_INFINITY) {
        ticker?.error();
        timeline?.error();
        if (performance.now() >= windowStart) counts.errors += 1;
      }
    });
  }
  const joinTimer = setTimeout(() => {
    if (t0 === Number.POSITIVE_INFINITY) fail(new Error(sentence('err.roomJoin', { joined: String(joined), members: String(members.length), seconds: JOIN_LIMIT_MS / 1000 })));
  }, JOIN_LIMIT_MS);

  let schedule: ReturnType<typeof startSchedule> | null = null;
  // From the moment every member has joined (the load's start): deliveries owed and not yet arrived are in flight.
  let timeline: TimelineRecorder | null = null;
  const finishTimeline = (): LoadTimeline => {
    const whole = timeline?.finish({ startMs: windowStart, endMs: Math.min(performance.now(), windowEnd) });
    return whole ?? { startEpochMs: Date.now(), sliceMs: 100, windowStartSeconds: null, windowEndSeconds: null, slices: [], truncated: false, lastSliceMs: 100 };
  };
  let planInWindow = 0;
  function begin(): void {
    clearTimeout(joinTimer);
    if (stopped) return;
    t0 = performance.now();
    windowStart = t0 + options.warmupSeconds * 1000;
    windowEnd = windowStart + options.durationSeconds * 1000;
    timeline = startTimeline(t0, sliceMsFor(options.warmupSeconds + options.durationSeconds + options.maxDrainSeconds), stageAt, () => owed);
    schedule = startSchedule({
      rate: options.rate,
      arrivals: options.arrivals,
      random: options.random,
      // A message leaves at once: WebSocket has no connection to wait for (the socket's own buffer is the server's problem).
      maxInflight: Number.MAX_SAFE_INTEGER,
      startAt: t0,
      planUntil: windowEnd,
      clock: realClock,
      send: (plannedAt, sentAt) => {
        const ws = publisher?.ws;
        const sample = inWindow(plannedAt);
        if (sample) planInWindow += 1;
        if (ws === null || ws === undefined || ws.readyState !== WebSocket.OPEN) {
          if (sample) counts.dropped += 1;
          return Promise.resolve();
        }
        const seq = sent.length;
        sent.push({ plannedAt, sentAt, received: 0 });
        // Every member is owed every message, also one the server has dropped since: its losses count.
        changeOwed(members.length);
        if (sample) {
          outstanding += members.length;
          lateness.recordValue(msToUs(Math.max(0, sentAt - plannedAt)));
        }
        ws.send(`${tag}:${seq}`);
        return Promise.resolve();
      },
    });
    at(windowStart, () => options.onWindowStart?.());
    at(windowEnd, () => {
      windowClosed = true;
      options.onWindowEnd?.();
      finishIfDrained();
    });
    at(windowEnd + options.maxDrainSeconds * 1000, finish);
  }

  function finishIfDrained(): void {
    if (schedule === null || schedule.nextPlannedAt < windowEnd) return;
    if (outstanding <= 0) finish();
  }
  function fail(error: Error): void {
    if (stopped) return;
    stopped = true;
    cleanup();
    rejectDone(error);
  }
  function cleanup(): void {
    clearTimeout(joinTimer);
    for (const cancel of timers) cancel();
    schedule?.stop();
    ticker?.stop();
    finishTimeline();
    for (const m of members) m.ws?.terminate();
  }
  function finish(): void {
    if (stopped) return;
    if (t0 === Number.POSITIVE_INFINITY) {
      fail(new Error(sentence('err.roomStopped')));
      return;
    }
    changeOwed(0);
    stopped = true;
    if (!windowClosed) {
      windowClosed = true;
      options.onWindowEnd?.();
    }
    const now = performance.now();
    const messages = sent.filter((m) => inWindow(m.plannedAt));
    const deliveries = messages.reduce((a, m) => a + m.received, 0);
    const lost = messages.reduce((a, m) => a + Math.max(0, members.length - m.received), 0);
    const outcome: ChatLoadOutcome = {
      responses: counts.responses,
      durationSeconds: Math.max(0.001, (Math.min(now, windowEnd) - windowStart) / 1000),
      histogram,
      uncorrected,
      lateness,
      planned: planInWindow,
      late: 0,
      dropped: counts.dropped,
      censored: lost,
      meanInflight: owedArea / Math.max(1, Math.min(now, windowEnd) - windowStart),
      errors: counts.errors,
      timeouts: 0,
      non2xx: counts.non2xx,
      servedBy,
      chat: { members: members.length, messages: messages.length, deliveries, lost, duplicated: counts.duplicated },
      timeline: finishTimeline(),
    };
    cleanup();
    resolveDone(outcome);
  }
  return { done, stop: finish };
}
