import { createServer } from 'node:http';
import { answerBlocking } from '../app/answer.js';
import { servedByHere, toAppRequest, writeResponse } from '../http-adapter.js';
import { closeServer, listen } from '../listen.js';
import type { ModelOptions, RunningServer } from '../model-types.js';

/**
 * sequential: one thread, and every step of a request blocks it (sync file reads, blocking sleeps).
 * The kernel still accepts many connections, but their requests are served strictly one after another.
 */
export async function start({ host, port }: ModelOptions): Promise<RunningServer> {
  const servedBy = servedByHere('sequential');
  const server = createServer((req, res) => {
    writeResponse(req, res, answerBlocking(toAppRequest(req, servedBy)));
  });
  const url = await listen(server, host, port);
  return { url, params: {}, close: () => closeServer(server) };
}
