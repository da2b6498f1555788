/** A small server-sent events client for the live view's tests: every event with the time it arrived. */
import { get, type IncomingMessage } from 'node:http';
import type { LiveEvent } from '../../results/live-feed.js';

export interface Received {
  /** performance.now() when the event's last line arrived. */
  readonly at: number;
  readonly event: LiveEvent;
}

export interface EventStream {
  readonly status: number;
  readonly contentType: string;
  readonly events: Received[];
  /** Resolves when the server ends the stream (or the connection breaks). */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens GET /events; rejects if the connection cannot be made. */
export function openEvents(url: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const request = get(new URL('/events', url), (response: IncomingMessage) => {
      const events: Received[] = [];
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (let cut = buffer.indexOf('\n\n'); cut !== -1; cut = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = frame
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data !== '') events.push({ at: performance.now(), event: JSON.parse(data) as LiveEvent });
        }
      });
      const ended = new Promise<void>((done) => {
        response.once('end', done);
        response.once('close', done);
        response.once('error', () => {
          done();
        });
      });
      resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type']), events, ended, close: () => request.destroy() });
    });
    request.once('error', reject);
  });
}

/** Opens GET /events as soon as the server listens (retries a refused connection until the deadline). */
export async function openEventsWhenUp(url: string, timeoutMs: number): Promise<EventStream> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await openEvents(url);
    } catch (error: unknown) {
      if (performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
