/**
 * A conversation that runs elsewhere (a thread or a process of its own): the connection stays here, where it was
 * accepted, and its messages go back and forth. What the two sides say to each other is below; the thread and the
 * process models carry it their own way (servers/models/ws-thread.ts, ws-process.ts).
 */
import WebSocket from 'ws';
import type { WsRoute } from '../app/ws/routes.js';
import { drop, Inbox, sendTo } from './delivery.js';
import { heldBytes, isFromTalk, type ToTalk } from './talk-messages.js';
import { textOf, type ChatPlace } from './here.js';

/** The thread or process that runs one conversation. */
export interface TalkWorker {
  post(message: ToTalk): void;
  /** Resolves once it has ended, whatever the reason. */
  readonly ended: Promise<void>;
}

/** Connects a WebSocket here to its conversation running in `worker`; resolves once the worker has ended. */
export function bridge(ws: WebSocket, route: WsRoute, place: ChatPlace, worker: TalkWorker): { readonly done: Promise<void>; receive(message: unknown): void } {
  const inbox = new Inbox(ws);
  let closing = false;
  if (route.kind === 'chat') place.rooms.join(route.room, ws);
  ws.on('message', (data, isBinary) => {
    const text = textOf(ws, data, isBinary);
    if (text === null) return;
    inbox.add(heldBytes(text));
    worker.post({ type: 'message', text });
  });
  ws.once('close', () => {
    if (route.kind === 'chat') place.rooms.leave(route.room, ws);
    worker.post({ type: 'closed' });
  });
  const done = worker.ended.then(() => {
    // A conversation that ended without closing its connection failed (its thread or process died).
    if (!closing && ws.readyState === WebSocket.OPEN) drop(ws, 1011, 'internal error: the conversation ended; the server goes on');
  });
  return {
    done,
    receive(message) {
      if (!isFromTalk(message)) return;
      switch (message.type) {
        case 'send':
          sendTo(ws, message.text);
          return;
        case 'publish':
          if (route.kind === 'chat') place.bus.publish(route.room, message.text);
          return;
        case 'close':
          closing = true;
          ws.close(message.code, message.reason.slice(0, 120));
          return;
        case 'took':
          inbox.took(message.bytes);
      }
    },
  };
}
