/**
 * A conversation on this thread, with the async interpreter: event-loop, fastify, each cluster process, sequential
 * (one connection at a time, through its line) and worker-pool (each message's own work on a pool thread).
 */
import type WebSocket from 'ws';
import { wsText } from '../../lib/ws-text.js';
import type { ServedBy } from '../app/types.js';
import { runTalkAsync, type AsyncPeer } from '../app/ws/talk-async.js';
import { talkOf, type TalkJob } from '../app/ws/talk.js';
import type { WsRoute } from '../app/ws/routes.js';
import { drop, Inbox, sendTo } from './delivery.js';
import { heldBytes } from './talk-messages.js';
import type { LocalRooms, RoomBus } from './rooms.js';

/** Where the conversations of a process meet: its rooms, and how a room's messages travel. */
export interface ChatPlace {
  readonly rooms: LocalRooms;
  readonly bus: RoomBus;
}

/** A text message's text; a binary one is refused (1003): the application speaks text. */
export function textOf(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): string | null {
  if (isBinary) {
    drop(ws, 1003, 'text messages only');
    return null;
  }
  return wsText(data);
}

/** Serves one connection here; resolves once its conversation is over. */
export function serveHere(ws: WebSocket, route: WsRoute, member: string, place: ChatPlace, via: ServedBy, perform?: (job: TalkJob) => string | Promise<string>): Promise<void> {
  const inbox = new Inbox(ws);
  const queue: string[] = [];
  let waiting: ((text: string | null) => void) | null = null;
  const gone = new AbortController();
  if (route.kind === 'chat') place.rooms.join(route.room, ws);
  ws.on('message', (data, isBinary) => {
    const text = textOf(ws, data, isBinary);
    if (text === null) return;
    inbox.add(heldBytes(text));
    queue.push(text);
    if (waiting !== null) {
      const wake = waiting;
      waiting = null;
      wake(take());
    }
  });
  ws.once('close', () => {
    if (route.kind === 'chat') place.rooms.leave(route.room, ws);
    gone.abort();
    waiting?.(null);
    waiting = null;
  });
  const take = (): string | null => {
    const text = queue.shift();
    if (text === undefined) return null;
    inbox.took(heldBytes(text));
    return text;
  };
  const peer: AsyncPeer = {
    receive: () => {
      if (queue.length > 0 || gone.signal.aborted) return Promise.resolve(take());
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    send: (text) => {
      sendTo(ws, text);
    },
    publish: (text) => {
      if (route.kind === 'chat') place.bus.publish(route.room, text);
    },
    close: (code, reason) => {
      ws.close(code, reason);
    },
    closed: gone.signal,
  };
  return runTalkAsync(talkOf(route, { member, via }), peer, perform);
}
