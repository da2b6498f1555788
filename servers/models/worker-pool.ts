import { createServer } from 'node:http';
import { Piscina } from 'piscina';
import type { AppRequest, ServedResponse } from '../app/types.js';
import { internalError } from '../app/responses.js';
import { servedByHere, toAppRequest, writeResponse } from '../http-adapter.js';
import { closeServer, listen } from '../listen.js';
import type { ModelOptions, RunningServer } from '../model-types.js';

/**
 * worker-pool: the main thread only accepts and parses; each request is handed to one of N pool threads
 * (piscina), which runs it start to finish with blocking waits. At most N requests progress at once;
 * the others queue in the pool. The hand-off (structured clone there and back) is the price of the pool.
 */
export async function start({ host, port, threads }: ModelOptions): Promise<RunningServer> {
  const pool = new Piscina<AppRequest, ServedResponse>({
    filename: new URL('./pool-task.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.MAX_SAFE_INTEGER, // keep every thread: start-up cost must not pollute measurements
    // A thread still runs one request at a time (the handler blocks it), but the next one already waits in
    // its queue: without this, every task would wait for a round trip through the main thread, and waking
    // a sleeping thread costs up to a millisecond on a virtual machine.
    concurrentTasksPerWorker: 2,
  });
  const servedBy = servedByHere('worker-pool');
  // Listen only once every thread has loaded the application (and its data): one task per thread,
  // sent together, lands on each idle thread, so a thread still starting cannot distort the first requests.
  await Promise.all(Array.from({ length: threads }, () => pool.run({ method: 'GET', url: '/health', servedBy })));
  const server = createServer((req, res) => {
    pool.run(toAppRequest(req, servedBy)).then(
      (response) => {
        writeResponse(req, res, response);
      },
      // Only a dead pool thread gets here (the task itself turns errors into 500s); piscina replaces it.
      () => {
        writeResponse(req, res, { ...internalError(), servedBy });
      },
    );
  });
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
