/**
 * Idle WebSocket connections held open through a trial (--hold N): the C10k lesson. They are opened before the
 * trial's load, a few hundred at a time, and answer the server's pings (ws does) but otherwise stay quiet: what they
 * cost the server is memory (and, in a per-connection model, a thread or a process each), and what they cost the
 * active clients is the server's attention. A connection counts as held once it has had one echo: then whatever
 * serves it (a thread or a process of its own) is running, and its memory is in the server's. One the server refuses
 * (its bound) or leaves waiting in its line past the deadline counts as not opened.
 */
import WebSocket from 'ws';
import { wsUrl } from './ws-echo.js';

export interface HoldSpec {
  readonly url: string;
  readonly path: string;
  readonly count: number;
  /** How long one connection may take to open (its handshake may wait in a model's line). */
  readonly timeoutSeconds: number;
  readonly ca?: string;
}

export interface HoldOutcome {
  readonly opened: number;
  /** Refused at the upgrade (an HTTP answer instead of 101: 503 past the bound, or the line's deadline). */
  readonly refused: number;
  /** Neither: the connection failed or did not open in time. */
  readonly failed: number;
  readonly seconds: number;
}

export interface Holding {
  readonly done: Promise<HoldOutcome>;
  /** Closes every held connection; resolves once they are closed. */
  release(): Promise<void>;
}

/** Handshakes in flight at once: enough to open 10,000 in seconds, few enough not to be a storm the server drops. */
const OPENING_AT_ONCE = 200;

export function holdConnections(spec: HoldSpec): Holding {
  const url = wsUrl(spec.url, spec.path);
  const sockets: WebSocket[] = [];
  const counts = { opened: 0, refused: 0, failed: 0 };
  let released = false;
  const t0 = performance.now();
  const openOne = (): Promise<void> =>
    new Promise((resolve) => {
      if (released) {
        resolve();
        return;
      }
      const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: spec.timeoutSeconds * 1000, ...(spec.ca === undefined ? {} : { ca: spec.ca }) });
      sockets.push(ws);
      let settled = false;
      const settle = (outcome: keyof typeof counts): void => {
        if (settled) return;
        settled = true;
        counts[outcome] += 1;
        resolve();
      };
      ws.on('open', () => {
        ws.send('held');
      });
      ws.once('message', () => {
        settle('opened');
      });
      ws.on('unexpected-response', (_request, response) => {
        response.resume();
        ws.terminate();
        settle('refused');
      });
      ws.on('error', () => {
        settle('failed');
      });
      ws.on('close', () => {
        settle('failed');
      });
    });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < spec.count && !released) {
      next += 1;
      await openOne();
    }
  };
  const done = Promise.all(Array.from({ length: Math.min(OPENING_AT_ONCE, spec.count) }, worker)).then(() => ({ ...counts, seconds: (performance.now() - t0) / 1000 }));
  return {
    done,
    async release() {
      released = true;
      const closing = sockets.map((ws) => new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) {
          resolve();
          return;
        }
        ws.once('close', () => {
          resolve();
        });
        ws.terminate();
      }));
      await Promise.all(closing);
    },
  };
}
