import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { answerAsync } from '../app/answer.js';
import { loadCsvData } from '../app/course/csv-data.js';
import { jsonError } from '../app/responses.js';
import type { ServedResponse } from '../app/types.js';
import { SERVED_BY_HEADERS, servedByHere, toAppRequest, writeRefusal } from '../http-adapter.js';
import { createLabServer, LIMITS, reserveAnswerBytes, type Departure } from '../limits.js';
import { closeServer, listen, type LabServer } from '../listen.js';
import type { ModelOptions, RunningServer } from '../model-types.js';
import { serveHere } from '../ws/here.js';
import { localPlace } from '../ws/place.js';
import { acceptWebSockets } from '../ws/upgrade.js';

/**
 * The application's routes, as fastify's router sees them. Each leads to the same handler (which reads the
 * raw target itself); a path fastify does not know goes to the not-found handler, which asks the application
 * too, so that every answer (404s, 405s, traversal attempts) is the application's, not the framework's.
 */
const ROUTES = [
  '/', '/health', '/visits', '/work', '/crash', '/static', '/static/*',
  '/api/alive', '/api/associations', '/api/evenements', '/api/association/:id', '/api/association/:id/evenements',
  '/api/evenement/:id', '/api/associations/type/:type',
] as const;

/**
 * fastify: the event-loop model, with fastify between the socket and the application. The lab's own bounded
 * server (limits.ts) is handed to fastify (serverFactory), so that connections, requests in flight and unread
 * answers are bounded as in every model; fastify routes each request and writes its answer. WebSocket: the same
 * `ws` server as every model's, on that same HTTP server (not @fastify/websocket), so that its bounds are the
 * others' and its connections are held on the one thread, as the event loop holds them.
 */
export async function start({ host, port, tls }: ModelOptions): Promise<RunningServer> {
  const servedBy = servedByHere('fastify');
  loadCsvData();
  // The lab's server watches each client; fastify's route finds that watch by the request it was made for.
  const departures = new WeakMap<IncomingMessage, Departure>();
  let server: LabServer | undefined;

  /** Writes an answer through fastify; a large one first takes its share of the unread-answer budget. */
  const send = (request: FastifyRequest, reply: FastifyReply, answer: ServedResponse): FastifyReply => {
    const { body } = answer;
    const bytes = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const length = Buffer.byteLength(bytes);
    if (request.method !== 'HEAD' && !reserveAnswerBytes(reply.raw, length)) {
      return send(request, reply, { ...jsonError(503, `server busy: ${LIMITS.maxUnsentBytes / 1048576} MiB of answers are still unread by their clients`, { 'retry-after': '1' }), servedBy });
    }
    reply.code(answer.status).headers({
      [SERVED_BY_HEADERS.model]: answer.servedBy.model,
      [SERVED_BY_HEADERS.pid]: String(answer.servedBy.pid),
      [SERVED_BY_HEADERS.threadId]: String(answer.servedBy.threadId),
      ...answer.headers,
    });
    // An empty answer (a redirect, OPTIONS) is sent as nothing: a '' body would get fastify's text/plain type.
    // For HEAD, fastify counts the body's length and Node.js leaves the body out.
    return length === 0 ? reply.send() : reply.send(bytes);
  };

  const application = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
    send(request, reply, await answerAsync(toAppRequest(request.raw, servedBy), departures.get(request.raw)));

  const app = Fastify({
    logger: false,
    serverFactory: (handler) => {
      server = createLabServer(
        (req, res, departure) => {
          departures.set(req, departure);
          handler(req, res);
        },
        (req, res, why) => {
          writeRefusal(req, res, servedBy, why);
        },
        tls,
      );
      return server;
    },
    // A target the router cannot decode (say, /static/%) goes to the application, which answers as always.
    frameworkErrors: (_error, request, reply) => {
      void application(request, reply);
    },
  });
  // The application reads no bodies: fastify must not parse (or refuse) them on its behalf.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    payload.resume();
    done(null, undefined);
  });
  for (const url of ROUTES) app.all(url, application);
  app.setNotFoundHandler(application);
  // What fails outside the application (fastify's own errors): JSON with one `error` field, as the application.
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    return send(request, reply, { ...jsonError(status, error.message), servedBy });
  });
  await app.ready();
  if (server === undefined) throw new Error('fastify did not ask for its server');
  const labServer = server;
  const place = localPlace();
  acceptWebSockets(labServer, servedBy, { serve: (ws, route, member) => serveHere(ws, route, member, place, servedBy) });
  const url = await listen(labServer, host, port);
  return {
    url,
    params: {},
    close: async () => {
      await closeServer(labServer);
      await app.close();
    },
  };
}
