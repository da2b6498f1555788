/**
 * The application's WebSocket conversations, written once: each is a generator that yields what it wants done
 * (receive a message, send one, publish to its room, wait, close) and never does it itself. A model picks the
 * interpreter (talk-async.ts: waits give the thread back; talk-blocking.ts: a thread of its own blocks on its
 * connection), exactly as HTTP requests are run by run-async.ts and run-blocking.ts.
 */
import type { WsRoute } from './routes.js';

/** A message's own work, named so that a model can run it elsewhere (worker-pool: on a pool thread). */
export type TalkJob =
  | { readonly kind: 'reverse'; readonly text: string }
  | { readonly kind: 'chat'; readonly member: string; readonly text: string };

export type TalkStep =
  /** The next text message from the peer; null once the peer has closed. */
  | { readonly kind: 'receive' }
  | { readonly kind: 'send'; readonly text: string }
  /** To every member of the conversation's room, the sender included, in the order the room receives them. */
  | { readonly kind: 'publish'; readonly text: string }
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'close'; readonly code: number; readonly reason: string }
  | { readonly kind: 'work'; readonly job: TalkJob };

export type Talk = Generator<TalkStep, void, unknown>;

/** Who the conversation is, for the chat's announcements: its member name and where it runs. */
export interface TalkContext {
  readonly member: string;
  readonly via: { readonly model: string; readonly pid: number; readonly threadId: number };
}

/** Reversed by code points, not UTF-16 units: "ab🙂" becomes "🙂ba", not two broken halves of an emoji. */
export function reverseText(text: string): string {
  // Code points on purpose (the lesson's rule): a flag or a family emoji, several code points, comes back reordered.
  // eslint-disable-next-line @typescript-eslint/no-misused-spread
  return [...text].reverse().join('');
}

/** The chat's events, as every member receives them (JSON text). */
export type ChatEvent =
  | { readonly type: 'join'; readonly member: string; readonly via: TalkContext['via'] }
  | { readonly type: 'leave'; readonly member: string }
  | { readonly type: 'message'; readonly from: string; readonly text: string };

export const chatEvent = (event: ChatEvent): string => JSON.stringify(event);

/** Performs a message's own work: the same pure function wherever a model runs it. */
export function performJob(job: TalkJob): string {
  return job.kind === 'reverse' ? reverseText(job.text) : chatEvent({ type: 'message', from: job.member, text: job.text });
}

function* receive(): Generator<TalkStep, string | null, unknown> {
  const text = yield { kind: 'receive' };
  if (text !== null && typeof text !== 'string') throw new TypeError('receive must produce a text or null');
  return text;
}

function* work(job: TalkJob): Generator<TalkStep, string, unknown> {
  const out = yield { kind: 'work', job };
  if (typeof out !== 'string') throw new TypeError('work must produce a text');
  return out;
}

/** /ws/echo: every text comes back reversed, until the peer closes. */
export function* echo(): Talk {
  for (let text = yield* receive(); text !== null; text = yield* receive()) {
    yield { kind: 'send', text: yield* work({ kind: 'reverse', text }) };
  }
}

/** /ws/countdown?from=N: N, N−1, … 0, one a second, then a normal close. */
export function* countdown(from: number): Talk {
  for (let n = from; n >= 0; n--) {
    yield { kind: 'send', text: String(n) };
    if (n > 0) yield { kind: 'wait', ms: 1000 };
  }
  yield { kind: 'close', code: 1000, reason: 'countdown done' };
}

/** /ws/chat?room=R: joins and leaves announced; every message goes to the whole room, the sender included. */
export function* chat(context: TalkContext): Talk {
  yield { kind: 'publish', text: chatEvent({ type: 'join', member: context.member, via: context.via }) };
  for (let text = yield* receive(); text !== null; text = yield* receive()) {
    yield { kind: 'publish', text: yield* work({ kind: 'chat', member: context.member, text }) };
  }
  yield { kind: 'publish', text: chatEvent({ type: 'leave', member: context.member }) };
}

/** The conversation of a route. */
export function talkOf(route: WsRoute, context: TalkContext): Talk {
  switch (route.kind) {
    case 'echo':
      return echo();
    case 'countdown':
      return countdown(route.from);
    case 'chat':
      return chat(context);
  }
}

let members = 0;
/** A member's name: the one asked for, else a guest number unique in this process (pid first: unique in a cluster). */
export function memberName(route: WsRoute, pid: number): string {
  members += 1;
  return route.kind === 'chat' && route.name !== null ? route.name : `guest-${pid.toString(36)}-${members.toString(36)}`;
}
