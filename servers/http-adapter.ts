import type { IncomingMessage, ServerResponse } from 'node:http';
import { threadId } from 'node:worker_threads';
import type { AppRequest, AppResponse, ServedBy } from './app/types.js';

export function servedByHere(model: string): ServedBy {
  return { model, pid: process.pid, threadId };
}

/** What the application sees of a Node.js request: plain data that can cross to a pool thread. */
export function toAppRequest(req: IncomingMessage, servedBy: ServedBy): AppRequest {
  return { method: req.method ?? 'GET', url: req.url ?? '/', servedBy };
}

/** Writes an answer; for HEAD, the same headers (length included) and no body. */
export function writeResponse(req: IncomingMessage, res: ServerResponse, response: AppResponse): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
  res.writeHead(response.status, {
    ...response.headers,
    'content-length': body.byteLength,
    'cache-control': 'no-store',
    // The course's API allows cross-origin calls; the rest of the lab is harmless to share too.
    'access-control-allow-origin': '*',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
