/** WebSocket clients for tests: open, read the next messages, and see a refused upgrade's status and body. */
import { connect } from 'node:net';
import WebSocket from 'ws';
import { wsText } from '../../lib/ws-text.js';

/** The ws:// URL of a path on a server started by the lab (its http:// base). */
export const wsUrlOf = (base: string, path: string): string => `${base.replace(/^http/, 'ws')}${path}`;

/** A connection whose messages are kept in order as they come (none is missed between awaits). */
export interface TestSocket {
  readonly ws: WebSocket;
  readonly messages: string[];
  /** Resolves with the next message not yet taken, waiting up to `timeoutMs`. */
  next(timeoutMs?: number): Promise<string>;
  /** Resolves with the close code once the connection has closed. */
  readonly closed: Promise<{ code: number; reason: string; at: number }>;
}

export function socketOf(ws: WebSocket): TestSocket {
  const messages: string[] = [];
  let taken = 0;
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    messages.push(wsText(data));
    for (const wake of waiters.splice(0)) wake();
  });
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) => {
    ws.once('close', (code, reason) => {
      resolve({ code, reason: reason.toString(), at: performance.now() });
      for (const wake of waiters.splice(0)) wake();
    });
  });
  return {
    ws,
    messages,
    closed,
    async next(timeoutMs = 5000) {
      const deadline = performance.now() + timeoutMs;
      while (taken >= messages.length) {
        if (ws.readyState === WebSocket.CLOSED) throw new Error(`closed before message ${taken + 1}`);
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`no message ${taken + 1} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      const message = messages[taken] ?? '';
      taken += 1;
      return message;
    },
  };
}

/** Opens a WebSocket and resolves once it is open (its messages are kept from the first). */
export function openSocket(base: string, path: string, timeoutMs = 10_000): Promise<TestSocket> {
  const ws = new WebSocket(wsUrlOf(base, path), { perMessageDeflate: false });
  const socket = socketOf(ws);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${path} did not open within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    ws.once('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      response.resume();
      reject(new Error(`${path}: upgrade answered ${String(response.statusCode)}`));
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Sends a raw upgrade request and reads the answer whole: its status, headers and body. */
export function rawUpgrade(base: string, path: string, headers: Readonly<Record<string, string>>, method = 'GET'): Promise<{ status: number; head: string; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body });
    });
    const lines = [`${method} ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''];
    socket.write(lines.join('\r\n'));
    setTimeout(() => socket.destroy(), 5000).unref();
  });
}

export const GOOD_UPGRADE = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } as const;
