/**
 * What the bench and its load process say to each other (bench/load/load-process.ts, bench/load/load-host.ts): a
 * trial's options without their callbacks, the load's ticks and window edges, and its outcome with its histograms
 * encoded (HDR's compressed base64, merged exactly on the other side).
 */
import * as hdr from 'hdr-histogram-js';
import type { LoadStage, LoadTick } from './load-progress.js';
import type { LoadOutcome, LoadOptions } from './closed-loop.js';
import type { OpenLoadOptions, OpenLoadOutcome } from './open-loop.js';
import type { HoldOutcome, HoldSpec } from './held.js';
import type { ChatCounts } from './ws-chat.js';
import type { Said } from '../../lib/lang/lang.js';

/** What a closed loop speaks: HTTP requests (autocannon) or WebSocket messages echoed (bench/load/ws-echo.ts). */
export type ClosedProtocol = 'http' | 'ws-echo';
/** What an open loop sends: HTTP requests (undici) or chat messages to a room of `members` (bench/load/ws-chat.ts). */
export type OpenProtocol = 'http' | 'ws-chat';

type Callbacks = 'onWindowStart' | 'onWindowEnd' | 'onProgress';

/** A closed-loop trial, as sent: `progress` asks for ticks (the live view). */
export type ClosedSpec = Omit<LoadOptions, Callbacks> & { readonly progress: boolean; readonly protocol?: ClosedProtocol; readonly ca?: string };
/** An open-loop trial, as sent: its Poisson gaps come from a seed (a function cannot cross), its ticks if asked. */
export type OpenSpec = Omit<OpenLoadOptions, Callbacks | 'random' | 'clock'> & { readonly seed: number; readonly progress: boolean; readonly protocol?: OpenProtocol; readonly members?: number };

export type ToLoad =
  | { readonly type: 'closed'; readonly id: number; readonly spec: ClosedSpec }
  | { readonly type: 'open'; readonly id: number; readonly spec: OpenSpec }
  | { readonly type: 'stop'; readonly id: number }
  /** Opens idle WebSocket connections and keeps them until 'release' (--hold). */
  | { readonly type: 'hold'; readonly id: number; readonly spec: HoldSpec }
  | { readonly type: 'release'; readonly id: number };

export interface EncodedTick {
  readonly elapsedSeconds: number;
  readonly intervalSeconds: number;
  readonly stage: LoadStage;
  readonly responses: number;
  readonly errors: number;
  readonly histogram: string;
}

export type EncodedClosed = Omit<LoadOutcome, 'histogram' | 'servedBy'> & { readonly histogram: string; readonly servedBy: readonly string[] };
export type EncodedOpen = Omit<OpenLoadOutcome, 'histogram' | 'uncorrected' | 'lateness' | 'servedBy'> & { readonly histogram: string; readonly uncorrected: string; readonly lateness: string; readonly servedBy: readonly string[]; readonly chat?: ChatCounts };

export type FromLoad =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'tick'; readonly id: number; readonly tick: EncodedTick }
  /**
   * `cpuMs`: the load process's own CPU time so far (user + system), read at the edge; `lagMs` (at the end): the
   * 99th percentile of its event loop's delay over the window (a busy client answers its sockets late).
   */
  | { readonly type: 'window'; readonly id: number; readonly edge: 'start' | 'end'; readonly cpuMs: number; readonly lagMs?: number }
  | { readonly type: 'closed-done'; readonly id: number; readonly outcome: EncodedClosed }
  | { readonly type: 'open-done'; readonly id: number; readonly outcome: EncodedOpen }
  /** `said`: the key and values of the message where it is a sentence of the catalogue (the bench makes it again). */
  | { readonly type: 'failed'; readonly id: number; readonly message: string; readonly said?: Said }
  | { readonly type: 'held'; readonly id: number; readonly outcome: HoldOutcome }
  | { readonly type: 'released'; readonly id: number };

export function encodeHistogram(h: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(text: string): hdr.Histogram {
  return hdr.decodeFromCompressedBase64(text);
}

/** A closed loop's outcome as it travels (histogram encoded, the set of serving processes a list), and back. */
export function encodeClosed(o: LoadOutcome): EncodedClosed {
  return { ...o, histogram: encodeHistogram(o.histogram), servedBy: [...o.servedBy] };
}

export function decodeClosed(e: EncodedClosed): LoadOutcome {
  return { ...e, histogram: decodeHistogram(e.histogram), servedBy: new Set(e.servedBy) };
}

/** An open loop's outcome as it travels (its three histograms encoded), and back. */
export function encodeOpen(o: OpenLoadOutcome & { readonly chat?: ChatCounts }): EncodedOpen {
  return { ...o, histogram: encodeHistogram(o.histogram), uncorrected: encodeHistogram(o.uncorrected), lateness: encodeHistogram(o.lateness), servedBy: [...o.servedBy] };
}

export function decodeOpen(e: EncodedOpen): OpenLoadOutcome & { readonly chat?: ChatCounts } {
  return { ...e, histogram: decodeHistogram(e.histogram), uncorrected: decodeHistogram(e.uncorrected), lateness: decodeHistogram(e.lateness), servedBy: new Set(e.servedBy) };
}

/** A live-view tick as it travels, and back. */
export function encodeTick(tick: LoadTick): EncodedTick {
  return { elapsedSeconds: tick.elapsedSeconds, intervalSeconds: tick.intervalSeconds, stage: tick.stage, responses: tick.responses, errors: tick.errors, histogram: encodeHistogram(tick.histogram) };
}

export function decodeTick(e: EncodedTick): LoadTick {
  return { ...e, histogram: decodeHistogram(e.histogram) };
}

export function isFromLoad(message: unknown): message is FromLoad {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string';
}

export function isToLoad(message: unknown): message is ToLoad {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as { type?: unknown; id?: unknown };
  return (m.type === 'closed' || m.type === 'open' || m.type === 'stop' || m.type === 'hold' || m.type === 'release') && typeof m.id === 'number';
}
