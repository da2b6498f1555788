import type { IncomingMessage, ServerResponse } from 'node:http';
import { threadId } from 'node:worker_threads';
import { jsonError } from './app/responses.js';
import type { AppRequest, ServedBy, ServedResponse } from './app/types.js';
import { LIMITS, reserveAnswerBytes, type Refusal } from './limits.js';

/** Header names that tell a student who answered: set from where the handler actually ran. */
export const SERVED_BY_HEADERS = {
  model: 'x-served-by-model',
  pid: 'x-served-by-pid',
  threadId: 'x-served-by-thread',
} as const;

export function servedByHere(model: string): ServedBy {
  return { model, pid: process.pid, threadId };
}

/** What the application sees of a Node.js request: plain data that can cross to a pool thread. */
export function toAppRequest(req: IncomingMessage, servedBy: ServedBy): AppRequest {
  return { method: req.method ?? 'GET', url: req.url ?? '/', cookie: req.headers.cookie, servedBy };
}

/**
 * Writes an answer; for HEAD, the same headers (length included) and no body. This runs for every request
 * of every model, so it stays lean: headers as one flat list, and a string body written as a string,
 * which Node.js sends in the same write as the headers. A large answer is counted until its client has
 * taken it; over the budget, the client gets a small 503 instead (a client that never reads cannot make
 * the server hold gigabytes).
 */
export function writeResponse(req: IncomingMessage, res: ServerResponse, response: ServedResponse): void {
  if (res.destroyed) return; // the client left: nobody to answer
  const { body, servedBy } = response;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (req.method !== 'HEAD' && !reserveAnswerBytes(res, length)) {
    writeRefusal(req, res, servedBy, `server busy: ${LIMITS.maxUnsentBytes / 1048576} MiB of answers are still unread by their clients`);
    return;
  }
  const headers: string[] = [
    'content-length', String(length),
    SERVED_BY_HEADERS.model, servedBy.model,
    SERVED_BY_HEADERS.pid, String(servedBy.pid),
    SERVED_BY_HEADERS.threadId, String(servedBy.threadId),
  ];
  for (const name in response.headers) headers.push(name, response.headers[name] ?? '');
  res.writeHead(response.status, headers);
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}

/** A request over one of the server's limits: 503 JSON that says which limit, and to come back later. */
export function writeRefusal(req: IncomingMessage, res: ServerResponse, servedBy: ServedBy, why: Refusal): void {
  writeResponse(req, res, { ...jsonError(503, why, { 'retry-after': '1' }), servedBy });
}
