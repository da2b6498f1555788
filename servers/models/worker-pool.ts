import { Piscina } from 'piscina';
import { cancel } from '../app/cancel.js';
import type { ServedResponse } from '../app/types.js';
import { internalError } from '../app/responses.js';
import { SessionMap } from '../app/sessions.js';
import { servedByHere, toAppRequest, writeRefusal, writeResponse } from '../http-adapter.js';
import { createLabServer, LIMITS } from '../limits.js';
import { closeServer, listen } from '../listen.js';
import type { ModelOptions, RunningServer } from '../model-types.js';
import { acceptSessionLink } from '../sessions/thread-link.js';
import type { PoolData, PoolTask } from './pool-task.js';
import type { TalkJob } from '../app/ws/talk.js';
import { serveHere } from '../ws/here.js';
import { localPlace } from '../ws/place.js';
import { acceptWebSockets } from '../ws/upgrade.js';

/**
 * worker-pool: the main thread only accepts and parses; each request is handed to one of N pool threads
 * (piscina), which runs it start to finish with blocking waits. At most N requests progress at once;
 * the others queue in the pool. The hand-off (structured clone there and back) is the price of the pool.
 * WebSocket connections stay on the main thread, which holds their sockets; each message's own work (reversing an
 * echo, writing a chat line) is a task on the pool, so a message pays the same hand-off as a request.
 */
export async function start({ host, port, threads, sessions, tls }: ModelOptions): Promise<RunningServer> {
  // One cancel cell per request that can be pending at once. When a client leaves, the main thread sets its
  // cell: a queued task then returns at once, and a pool thread asleep in a wait wakes up (Atomics.notify).
  // Not piscina's AbortSignal: aborting a task that already runs terminates its whole thread.
  const slots = LIMITS.maxPending + 1;
  const cancelCells = new SharedArrayBuffer(slots * Int32Array.BYTES_PER_ELEMENT);
  const cells = new Int32Array(cancelCells);
  const free = Array.from({ length: slots }, (_, i) => slots - 1 - i);

  const pool = new Piscina<PoolTask | TalkJob, ServedResponse | string>({
    filename: new URL('./pool-task.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.MAX_SAFE_INTEGER, // keep every thread: start-up cost must not pollute measurements
    // One task per thread, the others in the pool's one shared queue: the classic thread-pool server, and exactly the
    // queue of T servers theory models it as (results/theory/predict.ts). Two tasks per thread would save a trip
    // through the main thread between tasks (measured here: hello at 16 clients 17 % faster, cpu 6 %), but a task
    // handed to a busy thread then waits for that thread even when another frees first: a queue per thread.
    concurrentTasksPerWorker: 1,
    workerData: { cancelCells, sessions } satisfies PoolData,
  });
  // Shared sessions: this thread keeps the store, and each pool thread links to it on its first visit.
  const store = new SessionMap();
  pool.on('message', (message: unknown) => acceptSessionLink(message, store));
  const servedBy = servedByHere('worker-pool');
  // Listen only once every thread has loaded the application (and its data): one task per thread,
  // sent together, lands on each idle thread, so a thread still starting cannot distort the first requests.
  await Promise.all(Array.from({ length: threads }, () => pool.run({ request: { method: 'GET', url: '/health', servedBy }, slot: slots - 1 })));
  const runRequest = (task: PoolTask): Promise<ServedResponse> => pool.run(task) as Promise<ServedResponse>;
  const runMessage = (job: TalkJob): Promise<string> => pool.run(job, { name: 'wsJob' }) as Promise<string>;
  const server = createLabServer(
    (req, res, departure) => {
      const slot = free.pop();
      if (slot === undefined) {
        writeRefusal(req, res, servedBy, 'server busy: every request slot is taken');
        return;
      }
      // The slot is this request's only while its task runs: a client that leaves later (say, while its large
      // answer is still being sent) must not cancel the request that holds the slot next.
      let holds = true;
      departure.onLeave(() => {
        if (holds) cancel({ cells, index: slot });
      });
      runRequest({ request: toAppRequest(req, servedBy), slot }).then(
        (response) => {
          writeResponse(req, res, response);
        },
        // Only a dead pool thread gets here (the task itself turns errors into 500s); piscina replaces it.
        () => {
          writeResponse(req, res, { ...internalError(), servedBy });
        },
      ).finally(() => {
        // The task is over on its thread: the cell can serve another request.
        holds = false;
        Atomics.store(cells, slot, 0);
        free.push(slot);
      });
    },
    (req, res, why) => {
      writeRefusal(req, res, servedBy, why);
    },
    tls,
  );
  const place = localPlace();
  acceptWebSockets(server, servedBy, { serve: (ws, route, member) => serveHere(ws, route, member, place, servedBy, runMessage) });
  const url = await listen(server, host, port);
  return {
    url,
    params: { threads },
    close: async () => {
      await closeServer(server);
      await pool.destroy();
    },
  };
}
