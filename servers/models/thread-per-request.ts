import { Worker } from 'node:worker_threads';
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
