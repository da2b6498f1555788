/**
 * How a run spoke to its servers, in words: HTTP or HTTPS, keep-alive or a new connection per request, and where
 * sessions were counted. Older files do not say (they were plain HTTP, keep-alive, shared sessions).
 */
import type { Results } from '../../results/schema.js';

type TransportOptions = Pick<Results['options'], 'tls' | 'newConnections' | 'sessions'>;

function recorded(o: TransportOptions): boolean {
  return o.tls !== undefined || o.newConnections !== undefined || o.sessions !== undefined;
}

/** "HTTPS (self-signed), keep-alive" or "HTTP, a new connection per request, local sessions"; null when not recorded. */
export function transportText(o: TransportOptions): string | null {
  if (!recorded(o)) return null;
  const scheme = o.tls === true ? 'HTTPS (self-signed)' : 'HTTP';
  const connections = o.newConnections === true ? 'a new connection per request' : 'keep-alive';
  return `${scheme}, ${connections}${o.sessions === 'local' ? ', local sessions' : ''}`;
}

/** The same, as the sentence a run page states among its facts; null when not recorded. */
export function transportSentence(o: TransportOptions): string | null {
  if (!recorded(o)) return null;
  const scheme =
    o.tls === true
      ? "HTTPS with the lab's self-signed certificate (--tls): every new connection pays a TLS handshake, on the server's CPU too"
      : 'plain HTTP';
  const connections =
    o.newConnections === true
      ? 'every request on a new connection (--new-connections): its latency includes connecting' + (o.tls === true ? ' and the handshake' : '')
      : 'keep-alive: each client opens its connection once and reuses it' + (o.tls === true ? ', so one handshake is amortised over all its requests' : '');
  const sessions =
    o.sessions === 'local'
      ? 'sessions local (--sessions local): each process or thread counts /visits in its own map'
      : 'sessions shared: one store of /visits counts per server';
  return `${scheme}; ${connections}; ${sessions}.`;
}

/** "5 ms each way", "10 Mbit/s each way", "5 ms and 10 Mbit/s each way": how a --netns link was shaped; "" for a plain one. */
export function linkShapeText(network: { readonly delayMs: number; readonly rateMbit?: number | undefined }): string {
  const parts = [network.delayMs > 0 ? `${network.delayMs} ms` : '', network.rateMbit === undefined ? '' : `${network.rateMbit} Mbit/s`].filter((p) => p !== '');
  return parts.length === 0 ? '' : `${parts.join(' and ')} each way`;
}
