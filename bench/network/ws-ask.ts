/**
 * The bench's own WebSocket exchanges (the answer checks): one message sent, one answer awaited, the whole exchange
 * within a deadline, the answer's size bounded; anything else ends it with one line that says what happened.
 */
import WebSocket from 'ws';
import { wsText } from '../../lib/ws-text.js';
import { sentence } from '../../lib/lang/sentences.js';

/** The text a check sends: an emoji too, so that an echo reversed by UTF-16 units instead of characters fails. */
export const WS_PROBE_TEXT = 'ab🙂 ✓';

export interface WsAskOptions {
  readonly totalMs: number;
  readonly signal?: AbortSignal;
  readonly ca?: string;
  /** Which message is the answer: the first by default. */
  readonly accept?: (text: string) => boolean;
}

/** Opens `path` on the server at `base` (http or https URL), sends `text`, and resolves with the answer's text. */
export function askWebSocket(base: string, path: string, text: string, options: WsAskOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}${path}`, { perMessageDeflate: false, maxPayload: 1024 * 1024, handshakeTimeout: options.totalMs, ...(options.ca === undefined ? {} : { ca: options.ca }) });
    let settled = false;
    const end = (error: Error | null, answer?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      ws.terminate();
      if (error !== null) reject(error);
      else resolve(answer ?? '');
    };
    const timer = setTimeout(() => {
      end(new Error(sentence('err.wsNoAnswer', { path, seconds: options.totalMs / 1000 })));
    }, options.totalMs);
    const onAbort = (): void => {
      end(new Error(sentence('err.interrupted')));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    ws.on('unexpected-response', (_request, response) => {
      response.resume();
      end(new Error(sentence('err.wsUpgrade', { path, status: String(response.statusCode) })));
    });
    ws.on('open', () => {
      ws.send(text);
    });
    ws.on('message', (data) => {
      const answer = wsText(data);
      if (options.accept === undefined || options.accept(answer)) end(null, answer);
    });
    ws.on('error', (error) => {
      end(new Error(`${path}: ${error.message}`));
    });
    ws.on('close', (code) => {
      end(new Error(sentence('err.wsClosed', { path, code: String(code) })));
    });
  });
}

/** The chat's answer to a check is the room's message event, not the join announcements before it. */
export const isChatMessage = (text: string): boolean => text.startsWith('{"type":"message"');

/** The path and the accepted answer of a WebSocket workload's check: the echo, or a room of one. */
export function wsCheck(path: string): { readonly path: string; readonly accept?: (text: string) => boolean } {
  return path.startsWith('/ws/chat') ? { path: '/ws/chat?room=lab-check&name=check', accept: isChatMessage } : { path };
}
