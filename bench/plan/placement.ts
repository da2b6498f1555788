/**
 * Where the server runs, apart from the client: a server started elsewhere (--target), or each server in a network
 * namespace of its own (--netns), with the link's delay and rate.
 */
import { OptionError } from './option-values.js';
import type { NetworkOptions } from '../network/link-shape.js';
import type { BenchOptions } from './options.js';

const MAX_DELAY_MS = 10_000;

/**
 * Where the server runs, apart from the client. A remote server is a different program's to run: its model and
 * parameters come from its /health, so options that would choose them are errors, as is asking for both places.
 */
export function placement(given: BenchOptions): { target: string | null; network: NetworkOptions | null } {
  if (given.netemDelay !== undefined && given.netns !== true) throw new OptionError('--netem-delay applies to --netns only: the delay is added on the lab\'s own link');
  if (given.netemRate !== undefined && given.netns !== true) throw new OptionError("--netem-rate applies to --netns only: the rate is set on the lab's own link");
  const network =
    given.netns === true
      ? { namespaces: true as const, delayMs: given.netemDelay === undefined ? 0 : delayMs(given.netemDelay), ...(given.netemRate === undefined ? {} : { rateMbit: rateMbit(given.netemRate) }) }
      : null;
  // The lab's certificate names 127.0.0.1, ::1 and localhost: a server on a namespace's address cannot prove it is.
  if (network !== null && given.tls === true) throw new OptionError("--tls does not go with --netns: the lab's certificate names 127.0.0.1 and localhost only, not a namespace's address");
  if (given.target === undefined) return { target: null, network };
  if (network !== null) throw new OptionError('--target and --netns do not go together: --target drives a server started elsewhere, --netns starts the servers in namespaces');
  for (const [flag, value] of [['models', given.models], ['threads', given.threads], ['processes', given.processes], ['sessions', given.sessions], ['tls', given.tls]] as const) {
    if (value !== undefined) throw new OptionError(`--${flag} does not go with --target: the target's model, parameters, sessions and protocol are the server's own (start it with npm run serve -- <model> …; the bench drives http:// targets)`);
  }
  return { target: targetOrigin(given.target), network };
}

const MAX_RATE_MBIT = 100_000;

function rateMbit(raw: string): number {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0.01 && value <= MAX_RATE_MBIT)) throw new OptionError(`--netem-rate must be a number of megabits per second from 0.01 to ${MAX_RATE_MBIT}, got ${JSON.stringify(raw)}`);
  return value;
}

function delayMs(raw: string): number {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= MAX_DELAY_MS)) throw new OptionError(`--netem-delay must be a number of milliseconds from 0 to ${MAX_DELAY_MS}, got ${JSON.stringify(raw)}`);
  return value;
}

/** The origin of an http:// URL with no path, query or credentials: what the bench will load. */
export function targetOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OptionError(`--target must be a URL like http://192.168.1.20:8080, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:') throw new OptionError(`--target must be an http:// URL (the load generator speaks plain HTTP), got ${url.protocol.replace(/:$/, '')}:`);
  if (url.username !== '' || url.password !== '') throw new OptionError('--target must not hold a user name or password');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') throw new OptionError(`--target names a server, not a page: give http://${url.host} without ${url.pathname}${url.search}${url.hash}`);
  return url.origin;
}

