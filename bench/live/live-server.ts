/**
 * The live view's server (`npm run bench -- --live`): from the bench process, on 127.0.0.1, it serves the page
 * at GET / and the run's events at GET /events (server-sent events, one JSON object each). It holds nothing a
 * client can grow: a few viewers at most, and a viewer that does not read its events is dropped once a little
 * output waits for it. Only requests addressed to this host and port are answered: a web page elsewhere cannot
 * read the feed through a DNS name that points here (DNS rebinding). close() ends every stream and the server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONNECTIONS_CHECK_MS } from '../../lib/http-bounds.js';
import type { LiveEvent, LiveSnapshot } from '../../results/live-feed.js';
import { t } from '../../lib/lang/lang.js';

/** Viewers at once: a class projects one page; a few more tabs are fine. */
export const MAX_VIEWERS = 16;
/** Output waiting for a viewer that does not read, beyond which it is dropped (its browser reconnects and gets a snapshot). */
export const MAX_UNREAD_BYTES = 1024 * 1024;
/** How long a browser waits before reconnecting after the stream breaks. */
const RETRY_MS = 1000;

export interface LiveServerOptions {
  /** 0 for a free port. */
  readonly port: number;
  /** The page, rendered by the command above the bench (the bench does not import the reports). */
  readonly page: string;
  /** What a viewer gets first, and after a reconnection. */
  snapshot(): LiveSnapshot;
}

export interface LiveServer {
  readonly url: string;
  readonly port: number;
  /** Sends one event to every viewer. */
  send(event: LiveEvent): void;
  /** Ends every stream and stops listening; resolves once the server is closed. */
  close(): Promise<void>;
}

const frame = (id: number, event: LiveEvent): string => `id: ${id}\ndata: ${JSON.stringify(event)}\n\n`;

export function startLiveServer(options: LiveServerOptions): Promise<LiveServer> {
  const viewers = new Set<ServerResponse>();
  let nextId = 1;
  let port = options.port;
  let closing = false;

  const refuse = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(`${message}\n`);
  };

  const openStream = (req: IncomingMessage, res: ServerResponse): void => {
    if (closing) {
      refuse(res, 503, t('livep.refuse.over'));
      return;
    }
    if (viewers.size >= MAX_VIEWERS) {
      refuse(res, 503, t('livep.refuse.viewers', { n: MAX_VIEWERS }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    viewers.add(res);
    res.on('close', () => viewers.delete(res));
    res.write(`retry: ${RETRY_MS}\n\n`);
    res.write(frame(nextId++, { type: 'snapshot', snapshot: options.snapshot() }));
  };

  const servePage = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    res.end(req.method === 'HEAD' ? undefined : options.page);
  };

  // A viewer's request has nothing to wait for: a slow or silent client is cut off quickly (checked every second).
  const server = createServer({ connectionsCheckingInterval: CONNECTIONS_CHECK_MS, headersTimeout: 5000, requestTimeout: 10_000 }, (req, res) => {
    const host = req.headers.host ?? '';
    const path = (req.url ?? '/').split('?')[0];
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) refuse(res, 421, t('livep.refuse.host'));
    else if (req.method !== 'GET' && req.method !== 'HEAD') refuse(res, 405, t('livep.refuse.method'), { allow: 'GET, HEAD' });
    else if (path === '/events') openStream(req, res);
    else if (path !== '/') refuse(res, 404, t('livep.refuse.notFound'));
    else servePage(req, res);
  });
  server.maxConnections = MAX_VIEWERS * 2;

  const live: LiveServer = {
    get url() {
      return `http://127.0.0.1:${port}/`;
    },
    get port() {
      return port;
    },
    send(event) {
      if (viewers.size === 0) return;
      const text = frame(nextId++, event);
      for (const res of viewers) {
        if (res.writableLength > MAX_UNREAD_BYTES) res.destroy();
        else res.write(text);
      }
    },
    close() {
      closing = true;
      for (const res of viewers) res.end();
      viewers.clear();
      return new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      port = (server.address() as AddressInfo).port;
      resolve(live);
    });
  });
}
