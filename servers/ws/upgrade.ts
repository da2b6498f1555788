/**
 * WebSocket on a lab server: every model but the baseline takes upgrades on its HTTP server with `ws`, the
 * well-kept WebSocket library for Node.js (fastify too: the same `ws` server on the lab's HTTP server that fastify
 * is given, not @fastify/websocket, so that every model is bounded by the same lines).
 *
 * This module decides whether a connection may become a WebSocket (a known path, a well-formed handshake, room
 * under the process's bound) and when (at once, or when the model's line gives it its turn); the model decides
 * where its conversation runs (WsHost).
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { messageOf } from '../../lib/errors.js';
import { memberName } from '../app/ws/talk.js';
import { isWsRefusal, wsRouteOf, type WsRoute } from '../app/ws/routes.js';
import type { ServedBy } from '../app/types.js';
import { SERVED_BY_HEADERS } from '../http-adapter.js';
import { Departure, leaveHttpCount, LIMITS } from '../limits.js';
import { onCloseServer, type LabServer } from '../listen.js';
import type { StartLine } from '../models/start-line.js';
import { Heartbeat } from './heartbeat.js';

export interface WsHost {
  /** Serves a connection whose handshake is done; resolves once the conversation is over. */
  serve(ws: WebSocket, route: WsRoute, member: string): Promise<void>;
  /**
   * The line a connection waits in for its turn, before its handshake: sequential's one turn, or the bound of a
   * thread or a process per connection. Without one, every connection is served at once.
   */
  readonly line?: StartLine;
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 404: 'Not Found', 503: 'Service Unavailable' };
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * Answers an upgrade that will not happen with JSON, as every error of the lab, and closes the connection once the
 * answer is out (an HTTP server allows half-open sockets: ending our side alone would keep it, and its place, open).
 */
function refuse(socket: Duplex, servedBy: ServedBy, status: number, error: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error });
  socket.once('finish', () => {
    socket.destroy();
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      (status === 503 ? 'Retry-After: 1\r\n' : '') +
      `${SERVED_BY_HEADERS.model}: ${servedBy.model}\r\n${SERVED_BY_HEADERS.pid}: ${servedBy.pid}\r\n${SERVED_BY_HEADERS.threadId}: ${servedBy.threadId}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** What is wrong with a WebSocket handshake, in one sentence naming the header; null when nothing is. */
export function handshakeProblem(req: IncomingMessage): string | null {
  if (req.method !== 'GET') return `a WebSocket handshake is a GET, not ${String(req.method).slice(0, 20)}`;
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') return "header 'Upgrade' must be 'websocket'";
  const key = req.headers['sec-websocket-key'];
  if (key === undefined || !KEY.test(key)) return "header 'Sec-WebSocket-Key' must be 16 random bytes in base64 (24 characters ending in ==)";
  if (req.headers['sec-websocket-version'] !== '13') return "header 'Sec-WebSocket-Version' must be 13";
  return null;
}

/** Serves a request that came with another Upgrade than websocket as the plain request it is, then closes. */
function answerAsHttp(server: LabServer, req: IncomingMessage, socket: Socket): void {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket);
  res.once('finish', () => {
    res.detachSocket(socket);
    socket.destroySoon();
  });
  server.emit('request', req, res);
}

export interface WsServer {
  /** Connections open or waiting for their turn. */
  readonly held: number;
}

/** Takes WebSocket upgrades on `server` for a model, which serves them as `host` says. */
export function acceptWebSockets(server: LabServer, servedBy: ServedBy, host: WsHost): WsServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.maxWsMessageBytes, clientTracking: false, perMessageDeflate: false });
  const heartbeat = new Heartbeat();
  const sockets = new Set<Socket>();
  // The 101 answer tells who accepted the connection, as every HTTP answer does.
  wss.on('headers', (headers) => {
    headers.push(`${SERVED_BY_HEADERS.model}: ${servedBy.model}`, `${SERVED_BY_HEADERS.pid}: ${servedBy.pid}`, `${SERVED_BY_HEADERS.threadId}: ${servedBy.threadId}`);
  });
  // What ws itself refuses (a subprotocol header it cannot parse): JSON too.
  wss.on('wsClientError', (error, socket) => {
    refuse(socket, servedBy, 400, error.message);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => undefined); // a peer's reset: 'close' follows, and says enough
    // Node hands every request with an Upgrade header here: one that asks for something else (curl --http2 asks for
    // h2c) is served as the plain HTTP request it also is.
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
      answerAsHttp(server, req, socket);
      return;
    }
    // Until its handshake, a connection is bounded in time like any request (its line's deadline is shorter).
    socket.setTimeout(LIMITS.requestTimeoutMs, () => {
      socket.destroy();
    });
    const route = wsRouteOf(req.url ?? '/');
    if (isWsRefusal(route)) {
      refuse(socket, servedBy, route.status, route.error);
      return;
    }
    const problem = handshakeProblem(req);
    if (problem !== null) {
      refuse(socket, servedBy, 400, problem);
      return;
    }
    if (sockets.size >= LIMITS.maxWsConnections) {
      refuse(socket, servedBy, 503, `server busy: ${LIMITS.maxWsConnections} WebSocket connections are open or waiting in this process`);
      return;
    }
    leaveHttpCount(server, socket);
    sockets.add(socket);
    const departure = new Departure();
    socket.once('close', () => {
      sockets.delete(socket);
      departure.leave();
    });
    const member = memberName(route, process.pid);
    // Resolves once the connection's turn is over: its conversation ended, or its handshake never happened.
    const open = (): Promise<void> =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) {
          resolve();
          return;
        }
        let upgraded = false;
        socket.once('close', () => {
          if (!upgraded) resolve();
        });
        wss.handleUpgrade(req, socket, head, (ws) => {
          upgraded = true;
          // A WebSocket is quiet on purpose between messages: ping/pong watches it from now on.
          socket.setTimeout(0);
          // A message over the size limit (1009) or a broken frame: ws closes the connection and says why there.
          ws.on('error', () => undefined);
          heartbeat.add(ws);
          // Through a promise: a model that throws at once (no thread or process to be had) fails this one conversation.
          Promise.resolve()
            .then(() => host.serve(ws, route, member))
            .then(resolve, (error: unknown) => {
              console.error(`[${servedBy.model} pid ${servedBy.pid}] a WebSocket conversation failed: ${messageOf(error)}`);
              if (ws.readyState === WebSocket.OPEN) ws.close(1011, 'internal error: the server goes on');
              resolve();
            });
        });
      });
    if (host.line === undefined) void open();
    else host.line.add({ departure, connection: socket, run: open, refuse: (why) => { refuse(socket, servedBy, 503, why); } });
  });

  // The HTTP server does not close upgraded connections: closing it ends them (and the heartbeat) first.
  onCloseServer(server, () => {
    heartbeat.stop();
    for (const socket of sockets) socket.destroy();
  });
  return {
    get held() {
      return sockets.size;
    },
  };
}
