import { boundServer, createHttpServer } from '../limits.js';
import { closeServer, listen } from '../listen.js';
import type { ModelOptions, RunningServer } from '../model-types.js';

const BODY = Buffer.from('Hello, world!\n');

/**
 * baseline (reference only): a bare node:http server that answers every request with the same bytes as
 * the application's `/`, without the application. It shows the ceiling of Node.js on this machine.
 */
export async function start({ host, port, tls }: ModelOptions): Promise<RunningServer> {
  // Node's bounds only (time, connections): the answer is tiny and constant, so nothing else can pile up.
  const server = boundServer(createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': BODY.byteLength });
    res.end(BODY);
  }, tls));
  const url = await listen(server, host, port);
  return { url, params: {}, close: () => closeServer(server) };
}
