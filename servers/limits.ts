import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createSecureServer, Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { CONNECTIONS_CHECK_MS } from '../lib/http-bounds.js';
import type { ClientWatch } from './app/cancel.js';
import { answerLabRoute } from './lab-usage.js';
import { WORK_LIMITS } from './app/work.js';
import type { LabServer } from './listen.js';
import type { TlsMaterial } from './model-types.js';

/**
 * Everything a client can make a server hold is bounded: connections, requests in flight, answers it does not
 * read, and time. The numbers are far above what the bench asks for (256 clients, one request each in
 * flight), and far below what hurts a laptop.
 */
export const LIMITS = {
  /** Open connections per server process; Node.js closes any more at once. */
  maxConnections: 1024,
  /**
   * Requests waiting for their answer on one connection (how deep a client may pipeline). Browsers do not
   * pipeline and the bench sends one request at a time; every request a deaf client pipelines costs an answer.
   */
  maxInFlightPerConnection: 4,
  /** Requests accepted and not yet answered in one process; more get 503 at once. */
  maxPending: 1024,
  /** Bytes of large answers written but not yet taken by their clients, per process; more get 503. */
  maxUnsentBytes: 64 * 1024 * 1024,
  /** Answers below this size are not counted against maxUnsentBytes: the in-flight limits bound them. */
  countedAnswerBytes: 64 * 1024,
  /** A connection that neither sends nor reads for this long is closed (a client that never reads). */
  idleTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  /** Node.js resets a request still unanswered this long after it began (every model): nothing may wait longer. */
  requestTimeoutMs: 30_000,
  /**
   * The longest a request waits in line for a thread or process of its own (per-request models), or in the
   * sequential server's queue: past it, 503 JSON with Retry-After, well before Node.js's reset at requestTimeoutMs.
   */
  maxLineWaitMs: 10_000,
  /**
   * WebSocket connections per process, open or waiting for their turn: above the C10k lesson's 10,000 held
   * connections. Beyond it, an upgrade is refused with 503; the process's file limit (ulimit -n: often 1,024 by
   * default, raised by the bench for --hold) may refuse connections earlier.
   */
  maxWsConnections: 12_000,
  /** The largest WebSocket message a server reads (ws closes a larger one with 1009, "message too big"). */
  maxWsMessageBytes: 64 * 1024,
  /**
   * Bytes written to one WebSocket connection and not yet taken by its peer, and bytes received and not yet read
   * by its conversation: past this, a peer that does not read is dropped (1013), one that sends faster than it is
   * served is paused (TCP then holds it back). With maxWsConnections, the memory of a process stays bounded (by
   * their product: a bound on what hostile peers can make it hold, far above what a class's clients do).
   */
  maxWsBufferedBytes: 1024 * 1024,
  /** Each WebSocket is pinged this often; one that has not answered the previous ping is closed (a dead peer). */
  wsPingIntervalMs: 30_000,
} as const;

/** Why a request was refused before the application saw it: becomes a 503 JSON answer. */
export type Refusal = string;

/**
 * One request's departure watch: `gone` once the connection closed before the answer was written.
 * Listeners and the AbortSignal are made only when asked for, to keep the smallest answers cheap.
 */
export class Departure implements ClientWatch {
  gone = false;
  private controller: AbortController | undefined;
  private listeners: (() => void)[] | undefined;

  signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.gone) this.controller.abort();
    return this.controller.signal;
  }

  onLeave(listener: () => void): void {
    if (this.gone) listener();
    else (this.listeners ??= []).push(listener);
  }

  leave(): void {
    if (this.gone) return;
    this.gone = true;
    this.controller?.abort();
    for (const listener of this.listeners ?? []) listener();
  }
}

export type LabRequestListener = (req: IncomingMessage, res: ServerResponse, departure: Departure) => void;

/** One request until its answer is finished or its connection closes. */
interface Exchange {
  readonly res: ServerResponse;
  readonly departure: Departure;
  /** Bytes of its answer counted against LIMITS.maxUnsentBytes. */
  bytes: number;
  settled: boolean;
}

/** Per connection: the requests still waiting for their answer (pipelined ones included). */
interface Connection {
  readonly open: Set<Exchange>;
  /** Told to stop: it pipelined past LIMITS.maxInFlightPerConnection without reading; it closes after that answer. */
  refused: boolean;
}

const CONNECTION = Symbol('lab connection');
const EXCHANGE = Symbol('lab exchange');
type TrackedSocket = Socket & { [CONNECTION]?: Connection };
type TrackedResponse = ServerResponse & { [EXCHANGE]?: Exchange };

let pending = 0;
let unsentBytes = 0;

function settle(exchange: Exchange): void {
  if (exchange.settled) return;
  exchange.settled = true;
  pending -= 1;
  unsentBytes -= exchange.bytes;
  if (!exchange.res.writableFinished) exchange.departure.leave();
}

function connectionOf(socket: TrackedSocket): Connection {
  let connection = socket[CONNECTION];
  if (connection === undefined) {
    const created: Connection = { open: new Set(), refused: false };
    connection = created;
    socket[CONNECTION] = created;
    // Node.js emits no 'close' for pipelined answers still queued behind the first when a connection drops:
    // the connection settles them all, so that no count leaks and their work is dropped.
    socket.once('close', () => {
      for (const exchange of created.open) settle(exchange);
      created.open.clear();
    });
    // The client's end of stream comes before the close, and Node.js's server then gives up the requests of
    // the connection anyway (it does not allow half-open HTTP connections): their work can stop now.
    socket.once('end', () => {
      for (const exchange of created.open) exchange.departure.leave();
    });
  }
  return connection;
}

/**
 * Counts a large answer against the unread-output budget of the process; false when it would go over (the
 * caller answers 503 instead). Answers of requests that did not come through createLabServer are not counted.
 */
export function reserveAnswerBytes(res: ServerResponse, bytes: number): boolean {
  const exchange = (res as TrackedResponse)[EXCHANGE];
  if (exchange === undefined || bytes < LIMITS.countedAnswerBytes) return true;
  // What the request declared was reserved before its answer was built (createLabServer): only the rest counts now.
  const extra = bytes - exchange.bytes;
  if (extra <= 0) return true;
  if (unsentBytes + extra > LIMITS.maxUnsentBytes) return false;
  unsentBytes += extra;
  exchange.bytes += extra;
  return true;
}

/**
 * The size of answer a request declares before any of it is built: `/work?bytes=N` asks for N bytes. A request whose
 * answer cannot fit the unread-output budget is refused before its cost is paid: 300 connections pipelining 30
 * requests for 10 MiB each, never reading, used to have every answer built (and thrown away) first, and `/health`
 * waited seconds behind them.
 */
export function declaredAnswerBytes(url: string | undefined): number {
  if (url === undefined || !url.startsWith('/work?')) return 0;
  const match = /[?&]bytes=(\d{1,9})(?:&|#|$)/.exec(url);
  const bytes = match === null ? 0 : Number(match[1]);
  // Beyond /work's own bound the handler answers 400 naming the parameter: that is no answer to reserve.
  return bytes <= WORK_LIMITS.bytes.max ? bytes : 0;
}

/** The HTTP connections of a server (those not upgraded to WebSocket), counted against LIMITS.maxConnections. */
const httpConnections = new WeakMap<LabServer, { count: number; readonly upgraded: WeakSet<Socket> }>();

/**
 * A connection that became a WebSocket leaves the HTTP count (LIMITS.maxWsConnections bounds it from now on): a
 * server that holds 10,000 WebSockets still takes HTTP clients.
 */
export function leaveHttpCount(server: LabServer, socket: Socket): void {
  const counter = httpConnections.get(server);
  if (counter === undefined || counter.upgraded.has(socket)) return;
  counter.upgraded.add(socket);
  counter.count -= 1;
}

/** Node's own bounds on a server: connections, header and request time, idle connections. */
export function boundServer<S extends LabServer>(server: S): S {
  // Node's own cap counts every socket, WebSockets included; HTTP connections are held to theirs below.
  server.maxConnections = LIMITS.maxConnections + LIMITS.maxWsConnections;
  const counter = { count: 0, upgraded: new WeakSet<Socket>() };
  httpConnections.set(server, counter);
  // Over TLS, the socket a request (or an upgrade) comes on is the TLS socket: count those, once their handshake is
  // done (one that never finishes it is closed by handshakeTimeout).
  server.on(server instanceof HttpsServer ? 'secureConnection' : 'connection', (socket: Socket) => {
    if (counter.count >= LIMITS.maxConnections) {
      socket.destroy();
      return;
    }
    counter.count += 1;
    socket.once('close', () => {
      if (!counter.upgraded.has(socket)) counter.count -= 1;
    });
  });
  server.headersTimeout = LIMITS.headersTimeoutMs;
  server.requestTimeout = LIMITS.requestTimeoutMs;
  // With no 'timeout' listener, Node.js destroys a socket idle for this long: its buffered answers go with it.
  server.timeout = LIMITS.idleTimeoutMs;
  return server;
}

/** A node:http server, or node:https with `tls`: the same request listener either way. */
export function createHttpServer(handler: RequestListener, tls: TlsMaterial | null): LabServer {
  // A client that starts a TLS handshake and never finishes it is bounded like one that never ends its headers.
  // The deadlines are given at creation too: Node.js reads connectionsCheckingInterval only there.
  const bounds = { connectionsCheckingInterval: CONNECTIONS_CHECK_MS, headersTimeout: LIMITS.headersTimeoutMs, requestTimeout: LIMITS.requestTimeoutMs };
  return tls === null
    ? createServer(bounds, handler)
    : createSecureServer({ ...bounds, key: tls.key, cert: tls.cert, handshakeTimeout: LIMITS.headersTimeoutMs }, handler);
}

/**
 * A node:http server (node:https with `tls`) with the lab's bounds. `refuse` answers a request over a limit
 * (every model writes its answers its own way); `listener` gets the rest, with a watch that tells when the
 * client has gone.
 */
/** Reserves a declared answer's bytes at once, so that pipelined requests that arrive together see each other's; false when over the budget. */
function reserveDeclared(exchange: Exchange, bytes: number): boolean {
  if (bytes < LIMITS.countedAnswerBytes) return true;
  if (unsentBytes + bytes > LIMITS.maxUnsentBytes) return false;
  unsentBytes += bytes;
  exchange.bytes += bytes;
  return true;
}

export function createLabServer(listener: LabRequestListener, refuse: (req: IncomingMessage, res: ServerResponse, why: Refusal) => void, tls: TlsMaterial | null = null): LabServer {
  const handler: RequestListener = (req, res) => {
    const connection = connectionOf(req.socket);
    // What a refused connection sent in the same burst gets no answer and holds no count: it ends with its refusal.
    // (Answering each of them cost the whole process: 300 deaf connections of 30 requests held /health 0.13–0.42 s.)
    if (connection.refused) return;
    const exchange: Exchange = { res, departure: new Departure(), bytes: 0, settled: false };
    (res as TrackedResponse)[EXCHANGE] = exchange;
    connection.open.add(exchange);
    pending += 1;
    const done = (): void => {
      connection.open.delete(exchange);
      settle(exchange);
    };
    res.once('finish', done);
    res.once('close', done);
    if (connection.open.size > LIMITS.maxInFlightPerConnection) {
      // Nothing more is read from it: the refusal is its last answer, and the connection closes once it is sent.
      connection.refused = true;
      req.socket.pause();
      res.shouldKeepAlive = false;
      refuse(req, res, `more than ${LIMITS.maxInFlightPerConnection} requests in flight on one connection: read the answers before sending more`);
    } else if (pending > LIMITS.maxPending) {
      refuse(req, res, `server busy: more than ${LIMITS.maxPending} requests are waiting for an answer`);
    } else if (!reserveDeclared(exchange, declaredAnswerBytes(req.url))) {
      refuse(req, res, `server busy: ${LIMITS.maxUnsentBytes / 1048576} MiB of answers are still unread by their clients`);
    } else if (!answerLabRoute(req, res)) {
      // The lab's own read-only route (/lab/usage) is answered here, ahead of the model's queue; the rest is the model's.
      listener(req, res, exchange.departure);
    }
  };
  return boundServer(createHttpServer(handler, tls));
}
