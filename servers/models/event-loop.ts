import { createServer, type Server } from 'node:http';
import { answerAsync } from '../app/answer.js';
import { servedByHere, toAppRequest, writeResponse } from '../http-adapter.js';
import { closeServer, listen } from '../listen.js';
import type { ModelOptions, RunningServer } from '../model-types.js';

/**
 * event-loop: one thread; a request that waits hands the thread back to the loop, which serves
 * the others meanwhile. CPU work still runs on that one thread. The cluster model reuses this server.
 */
export function createEventLoopServer(model: string): Server {
  const servedBy = servedByHere(model);
  return createServer((req, res) => {
    void answerAsync(toAppRequest(req, servedBy)).then((response) => {
      writeResponse(req, res, response);
    });
  });
}

export async function start({ host, port }: ModelOptions): Promise<RunningServer> {
  const server = createEventLoopServer('event-loop');
  const url = await listen(server, host, port);
  return { url, params: {}, close: () => closeServer(server) };
}
