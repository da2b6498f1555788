import { MessageChannel, Worker } from 'node:worker_threads';
import type WebSocket from 'ws';
import type { WsRoute } from '../app/ws/routes.js';
import { bridge } from '../ws/bridge.js';
import type { ChatPlace } from '../ws/here.js';
import { localPlace } from '../ws/place.js';
import { acceptWebSockets } from '../ws/upgrade.js';
import type { WsThreadData } from './ws-thread.js';
import { CLOSED, POSTED } from '../ws/talk-messages.js';
import { messageOf } from '../../lib/errors.js';
import { cancel } from '../app/cancel.js';
import { internalError } from '../app/responses.js';
import { SessionMap } from '../app/sessions.js';
import { servedByHere, toAppRequest, writeResponse } from '../http-adapter.js';
import { closeServer, listen } from '../listen.js';
import type { ModelOptions, RunningServer } from '../model-types.js';
import { acceptSessionLink } from '../sessions/thread-link.js';
import type { RequestThreadData, ThreadAnswer } from './request-thread.js';
import { lineServer, StartLine } from './start-line.js';

function isThreadAnswer(message: unknown): message is ThreadAnswer {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'answer';
}

/**
 * thread-per-request: the main thread accepts and parses; every request gets a new worker thread, which
 * loads the application, runs the request with blocking waits, answers and ends. The same work as a pool
 * thread, plus the birth of a thread (a V8 isolate, the modules loaded again) on every request: the cost
 * the worker-pool model saves by keeping its threads. At most `threads` threads live at once (as many
 * requests progress at once as in a pool of that size); the next requests wait in line here.
 * A WebSocket connection gets a thread of its own for as long as it lasts (thread per connection), from the same
 * bound: while `threads` connections are open, the next ones (and the next requests) wait in line.
 */
export async function start({ host, port, threads, sessions, tls }: ModelOptions): Promise<RunningServer> {
  const servedBy = servedByHere('thread-per-request');
  const entry = new URL('./request-thread.js', import.meta.url);
  const line = new StartLine(threads, 'thread');
  const live = new Set<Worker>();
  // Shared sessions: this thread keeps the store; a request's thread asks it on a visit.
  const store = new SessionMap();

  const server = lineServer(line, servedBy, tls, (req, res, departure) =>
    new Promise<void>((resolve) => {
      // A cell of its own: the thread sleeps on it in a wait, and wakes when the client leaves.
      const cancelCell = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
      const workerData: RequestThreadData = { request: toAppRequest(req, servedBy), cancelCell, sessions };
      const thread = new Worker(entry, { workerData });
      live.add(thread);
      departure.onLeave(() => {
        cancel({ cells: new Int32Array(cancelCell), index: 0 });
      });
      let answered = false;
      thread.on('message', (message: unknown) => {
        if (sessions === 'shared' && acceptSessionLink(message, store)) return;
        if (!isThreadAnswer(message) || answered) return;
        answered = true;
        writeResponse(req, res, message.response);
      });
      thread.on('error', (error: unknown) => {
        console.error(`[thread-per-request] a request's thread failed: ${messageOf(error)}`);
      });
      thread.once('exit', () => {
        live.delete(thread);
        // A thread that died without answering (out of memory, a failure while loading): the client gets a
        // 500, the server goes on.
        if (!answered) writeResponse(req, res, { ...internalError(), servedBy });
        resolve();
      });
    }),
  );
  const place = localPlace();
  const wsEntry = new URL('./ws-thread.js', import.meta.url);
  const serveInThread = (ws: WebSocket, route: WsRoute, member: string): Promise<void> => startWsThread(wsEntry, ws, route, member, place, live);
  acceptWebSockets(server, servedBy, { line, serve: serveInThread });
  const url = await listen(server, host, port);
  return {
    url,
    params: { threads },
    close: async () => {
      line.close();
      await closeServer(server);
      await Promise.all([...live].map((thread) => thread.terminate()));
    },
  };
}

/** A thread for one WebSocket connection: the socket stays here, its messages cross to the thread and back. */
function startWsThread(entry: URL, ws: WebSocket, route: WsRoute, member: string, place: ChatPlace, live: Set<Worker>): Promise<void> {
  const channel = new MessageChannel();
  const shared = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const cells = new Int32Array(shared);
  const workerData: WsThreadData = { route, member, model: 'thread-per-request', port: channel.port2, cells: shared };
  const thread = new Worker(entry, { workerData, transferList: [channel.port2] });
  live.add(thread);
  thread.on('error', (error: unknown) => {
    console.error(`[thread-per-request] a connection's thread failed: ${messageOf(error)}`);
  });
  const ended = new Promise<void>((resolve) => {
    thread.once('exit', () => {
      live.delete(thread);
      channel.port1.close();
      resolve();
    });
  });
  const link = bridge(ws, route, place, {
    post: (message) => {
      channel.port1.postMessage(message);
      if (message.type === 'closed') {
        Atomics.store(cells, CLOSED, 1);
        Atomics.notify(cells, CLOSED);
      }
      // After the post: a thread that looked before it finds the count changed and looks again.
      Atomics.add(cells, POSTED, 1);
      Atomics.notify(cells, POSTED);
    },
    ended,
  });
  thread.on('message', (message: unknown) => {
    link.receive(message);
  });
  return link.done;
}
