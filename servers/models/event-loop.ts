import type { Server } from 'node:http';
import { answerAsync } from '../app/answer.js';
import { loadCsvData } from '../app/csv-data.js';
import { servedByHere, toAppRequest, writeRefusal, writeResponse } from '../http-adapter.js';
import { createLabServer } from '../limits.js';
import { closeServer, listen } from '../listen.js';
import type { ModelOptions, RunningServer } from '../model-types.js';

/**
 * event-loop: one thread; a request that waits hands the thread back to the loop, which serves
 * the others meanwhile. CPU work still runs on that one thread. The cluster model reuses this server.
 * A request whose client left stops at its next step; a wait in progress ends at once.
 */
export function createEventLoopServer(model: string): Server {
  const servedBy = servedByHere(model);
  loadCsvData();
  return createLabServer(
    (req, res, departure) => {
      void answerAsync(toAppRequest(req, servedBy), departure).then((response) => {
        writeResponse(req, res, response);
      });
    },
    (req, res, why) => {
      writeRefusal(req, res, servedBy, why);
    },
  );
}

export async function start({ host, port }: ModelOptions): Promise<RunningServer> {
  const server = createEventLoopServer('event-loop');
  const url = await listen(server, host, port);
  return { url, params: {}, close: () => closeServer(server) };
}
