/**
 * Where the client was, next to the server: a reader must know whether a latency includes a network, and a
 * comparison of runs from two hosts must say which target each run drove.
 */
import type { Results } from '../../results/schema.js';
import { linkShapeText } from '../text/transport.js';
import { decimal, t } from '../../lib/lang/lang.js';

/** One sentence for the run page: remote (with the idle round trip), a namespace link, or loopback. */
export function clientPlacement(results: Results): string {
  const { remote } = results;
  const { target, network } = results.options;
  if (target !== undefined) {
    const rtt = remote === undefined ? t('rv.place.rttNone') : t('rv.place.rtt', { median: decimal(remote.rttMedianMs.toFixed(2)), min: decimal(remote.rttMinMs.toFixed(2)), n: remote.rttSamples });
    return t('rv.place.remote', { target, rtt });
  }
  if (network !== undefined) {
    const by = network.delayBy === 'relay' ? t('rv.place.byRelay') : 'tc netem';
    const shape = linkShapeText(network);
    const roundTrip = network.delayMs > 0 ? t('rv.place.roundTrip', { ms: 2 * network.delayMs }) : '';
    const delay = shape === '' ? '' : t('rv.place.link', { shape, by, roundTrip });
    return t('rv.place.netns', { delay });
  }
  return t('rv.place.loopback');
}

/** A short tag for labels: the target's host:port, "netns", or "" for loopback. */
export function placementTag(results: Results): string {
  const { target, network } = results.options;
  if (target !== undefined) return URL.canParse(target) ? new URL(target).host : target;
  if (network !== undefined) {
    const parts = [network.delayMs > 0 ? `+${decimal(String(network.delayMs))} ms` : '', network.rateMbit === undefined ? '' : `${decimal(String(network.rateMbit))} Mbit/s`].filter((p) => p !== '');
    return parts.length === 0 ? 'netns' : `netns ${parts.join(' ')}${network.delayBy === 'relay' ? ` ${t('rv.place.relayTag')}` : ''}`;
  }
  return '';
}
