/**
 * A broker's address (the Redis that load agents and a bench share: bench/agents): what the lab accepts, and how it
 * is printed. Here because the bench, the agent and the class hub's page all name one.
 */
import { sentence } from './lang/sentences.js';

/** A broker URL the lab accepts: redis:// or rediss:// with a host. */
export function brokerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(sentence('err.broker.url', { url: raw.slice(0, 100) }));
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') throw new Error(sentence('err.broker.url', { url: raw.slice(0, 100) }));
  return url.href;
}

/** The URL as it may be printed: without its password. */
export function shownBroker(url: string): string {
  const u = new URL(url);
  if (u.password !== '') u.password = '***';
  return u.href;
}
