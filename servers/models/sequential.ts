import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerBlocking } from '../app/answer.js';
import { loadCsvData } from '../app/course/csv-data.js';
import { servedByHere, toAppRequest, writeRefusal, writeResponse } from '../http-adapter.js';
import { createLabServer, LIMITS, type Departure } from '../limits.js';
import { closeServer, listen } from '../listen.js';
import type { ModelOptions, RunningServer } from '../model-types.js';
import { serveHere } from '../ws/here.js';
import { localPlace } from '../ws/place.js';
import { acceptWebSockets } from '../ws/upgrade.js';
import { StartLine } from './start-line.js';

/** Below this, the last request was too short for anyone to have given up behind it. */
const SHORT_SERVICE_MS = 2;

interface Queued {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly departure: Departure;
  /** Two turns of the event loop have passed since it arrived (see below). */
  ready: boolean;
  /** performance.now() when it arrived: past LIMITS.maxLineWaitMs in the queue it gets 503, not Node.js's reset. */
  readonly arrivedAt: number;
}

/**
 * sequential: one thread, and every step of a request blocks it (sync file reads, blocking sleeps).
 * The kernel still accepts many connections, but their requests are served strictly one after another,
 * in the order they arrived. One thread, one store of sessions: `--sessions` changes nothing here.
 * A WebSocket connection is served the same way: one at a time. The next one waits in line, its handshake not even
 * answered, until the one before it closes (or it gives up after LIMITS.maxLineWaitMs: 503).
 */
export async function start({ host, port, tls }: ModelOptions): Promise<RunningServer> {
  const servedBy = servedByHere('sequential');
  loadCsvData();
  const queue: Queued[] = [];
  let lastServiceMs = 0;
  // A poll of the sockets has run since the last long request ended.
  let caughtUp = true;

  const serve = ({ req, res }: Queued): void => {
    const t0 = performance.now();
    writeResponse(req, res, answerBlocking(toAppRequest(req, servedBy)));
    lastServiceMs = performance.now() - t0;
  };
  // While the thread is blocked, clients may give up. The event loop reads a client's goodbye (end of stream)
  // one turn after its request, so a queued request starts only after two turns since it arrived, and two
  // turns after a long request ended: by then a client that left is known, and its request is dropped
  // instead of blocking everyone behind it.
  const afterTwoTurns = (then: () => void): void => {
    setImmediate(() => setImmediate(then));
  };
  const serveQueue = (): void => {
    for (let head = queue[0]; head !== undefined; head = queue[0]) {
      if (head.departure.gone) {
        queue.shift();
        continue;
      }
      // Waited past its deadline (the thread was blocked that long): refused at once, which costs nothing.
      if (performance.now() - head.arrivedAt > LIMITS.maxLineWaitMs) {
        queue.shift();
        writeRefusal(head.req, head.res, servedBy, `server busy: waited ${LIMITS.maxLineWaitMs / 1000} s in the queue of the one thread`);
        continue;
      }
      if (!head.ready || !caughtUp) return;
      queue.shift();
      serve(head);
      if (lastServiceMs >= SHORT_SERVICE_MS) {
        caughtUp = false;
        afterTwoTurns(() => {
          caughtUp = true;
          serveQueue();
        });
        return;
      }
    }
  };

  const server = createLabServer(
    (req, res, departure) => {
      // Short requests (hello, a small file) are served at once: nobody gives up within a millisecond.
      if (queue.length === 0 && caughtUp && lastServiceMs < SHORT_SERVICE_MS) {
        serve({ req, res, departure, ready: true, arrivedAt: performance.now() });
        return;
      }
      const queued: Queued = { req, res, departure, ready: false, arrivedAt: performance.now() };
      queue.push(queued);
      afterTwoTurns(() => {
        queued.ready = true;
        serveQueue();
      });
    },
    (req, res, why) => {
      writeRefusal(req, res, servedBy, why);
    },
    tls,
  );
  const turn = new StartLine(1, 'turn');
  const place = localPlace();
  acceptWebSockets(server, servedBy, { line: turn, serve: (ws, route, member) => serveHere(ws, route, member, place, servedBy) });
  const url = await listen(server, host, port);
  return {
    url,
    params: {},
    close: () => {
      turn.close();
      return closeServer(server);
    },
  };
}
