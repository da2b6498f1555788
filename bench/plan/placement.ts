/**
 * Where the server runs, apart from the client: a server started elsewhere (--target), or each server in a network
 * namespace of its own (--netns), with the link's delay and rate.
 */
import { optionError } from './option-values.js';
import type { NetworkOptions } from '../network/link-shape.js';
import type { BenchOptions } from './options.js';

const MAX_DELAY_MS = 10_000;

/**
 * Where the server runs, apart from the client. A remote server is a different program's to run: its model and
 * parameters come from its /health, so options that would choose them are errors, as is asking for both places.
 */
export function placement(given: BenchOptions): { target: string | null; network: NetworkOptions | null } {
  if (given.netemDelay !== undefined && given.netns !== true) throw optionError('opt.err.delayOnly');
  if (given.netemRate !== undefined && given.netns !== true) throw optionError('opt.err.rateOnly');
  const network =
    given.netns === true
      ? { namespaces: true as const, delayMs: given.netemDelay === undefined ? 0 : delayMs(given.netemDelay), ...(given.netemRate === undefined ? {} : { rateMbit: rateMbit(given.netemRate) }) }
      : null;
  // The lab's certificate names 127.0.0.1, ::1 and localhost: a server on a namespace's address cannot prove it is.
  if (network !== null && given.tls === true) throw optionError('opt.err.tlsNetns');
  if (given.target === undefined) return { target: null, network };
  if (network !== null) throw optionError('opt.err.targetNetns');
  for (const [flag, value] of [['models', given.models], ['threads', given.threads], ['processes', given.processes], ['sessions', given.sessions], ['tls', given.tls]] as const) {
    if (value !== undefined) throw optionError('opt.err.notWithTarget', { flag });
  }
  return { target: targetOrigin(given.target), network };
}

const MAX_RATE_MBIT = 100_000;

function rateMbit(raw: string): number {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0.01 && value <= MAX_RATE_MBIT)) throw optionError('opt.err.netemRate', { max: String(MAX_RATE_MBIT), got: JSON.stringify(raw) });
  return value;
}

function delayMs(raw: string): number {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= MAX_DELAY_MS)) throw optionError('opt.err.netemDelay', { max: String(MAX_DELAY_MS), got: JSON.stringify(raw) });
  return value;
}

/** The origin of an http:// URL with no path, query or credentials: what the bench will load. */
export function targetOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw optionError('opt.err.targetUrl', { got: JSON.stringify(raw) });
  }
  if (url.protocol !== 'http:') throw optionError('opt.err.targetHttp', { got: `${url.protocol.replace(/:$/, '')}:` });
  if (url.username !== '' || url.password !== '') throw optionError('opt.err.targetUser');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') throw optionError('opt.err.targetPage', { host: url.host, path: `${url.pathname}${url.search}${url.hash}` });
  return url.origin;
}

