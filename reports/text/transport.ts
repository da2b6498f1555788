/**
 * How a run spoke to its servers, in words: HTTP or HTTPS, keep-alive or a new connection per request, and where
 * sessions were counted. Older files do not say (they were plain HTTP, keep-alive, shared sessions).
 */
import { decimal, t } from '../../lib/lang/lang.js';
import type { Results } from '../../results/schema.js';

type TransportOptions = Pick<Results['options'], 'tls' | 'newConnections' | 'sessions'>;

function recorded(o: TransportOptions): boolean {
  return o.tls !== undefined || o.newConnections !== undefined || o.sessions !== undefined;
}

/** "HTTPS (self-signed), keep-alive" or "HTTP, a new connection per request, local sessions"; null when not recorded. */
export function transportText(o: TransportOptions): string | null {
  if (!recorded(o)) return null;
  const scheme = o.tls === true ? t('tx.transport.https') : 'HTTP';
  const connections = o.newConnections === true ? t('tx.transport.newConnection') : t('tx.transport.keepAlive');
  return [scheme, connections, ...(o.sessions === 'local' ? [t('tx.transport.localSessions')] : [])].join(', ');
}

/** The same, as the sentence a run page states among its facts; null when not recorded. */
export function transportSentence(o: TransportOptions): string | null {
  if (!recorded(o)) return null;
  const tls = o.tls === true;
  const scheme = tls ? t('tx.transport.tls') : t('tx.transport.plain');
  const connections = o.newConnections === true ? t(tls ? 'tx.transport.everyNewTls' : 'tx.transport.everyNew') : t(tls ? 'tx.transport.reusedTls' : 'tx.transport.reused');
  const sessions = o.sessions === 'local' ? t('tx.transport.sessionsLocal') : t('tx.transport.sessionsShared');
  return t('tx.transport.sentence', { scheme, connections, sessions });
}

/** "5 ms each way", "10 Mbit/s each way", "5 ms and 10 Mbit/s each way": how a --netns link was shaped; "" for a plain one. */
export function linkShapeText(network: { readonly delayMs: number; readonly rateMbit?: number | undefined }): string {
  const delay = decimal(String(network.delayMs));
  if (network.rateMbit === undefined) return network.delayMs > 0 ? t('tx.link.delay', { delay }) : '';
  const rate = decimal(String(network.rateMbit));
  return network.delayMs > 0 ? t('tx.link.both', { delay, rate }) : t('tx.link.rate', { rate });
}
