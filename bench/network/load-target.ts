/**
 * The lab's rule: load goes to loopback only, because a bench pointed at someone else's machine is a denial of
 * service. Two exceptions, each the user's explicit choice: the server's end of a link the lab made itself with
 * --netns (exactly that /30 address, nothing else in the subnet), and the one host named with --target.
 */
import { isIP } from 'node:net';
import { isLabServerAddress } from './netns.js';
import { sentence } from '../../lib/lang/sentences.js';

/** localhost, ::1 or 127.x.x.x: this machine's own loopback. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** Throws unless `url` may be loaded: loopback, the lab's own veth server address, or the --target the user named. */
export function assertLoadTarget(url: string, explicitTarget: string | null = null): void {
  const parsed = new URL(url);
  if (isLoopback(parsed.hostname) || isLabServerAddress(parsed.hostname)) return;
  if (explicitTarget !== null && parsed.origin === new URL(explicitTarget).origin) return;
  throw new Error(sentence('err.notLoopback', { origin: parsed.origin }));
}
