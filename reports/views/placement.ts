/**
 * Where the client was, next to the server: a reader must know whether a latency includes a network, and a
 * comparison of runs from two hosts must say which target each run drove.
 */
import type { Results } from '../../results/schema.js';
import { linkShapeText } from '../text/transport.js';

/** One sentence for the run page: remote (with the idle round trip), a namespace link, or loopback. */
export function clientPlacement(results: Results): string {
  const { remote } = results;
  const { target, network } = results.options;
  if (target !== undefined) {
    const rtt = remote === undefined ? 'round trip not recorded' : `idle round trip ${remote.rttMedianMs.toFixed(2)} ms median, ${remote.rttMinMs.toFixed(2)} ms at best (${remote.rttSamples} requests before the first cell)`;
    return `remote: the client drove ${target}, a server started elsewhere with npm run serve; ${rtt}. Server CPU and memory come from its /lab/usage route; the machine facts above are the client's.`;
  }
  if (network !== undefined) {
    const by = network.delayBy === 'relay' ? "added by the lab's relay in the bench process: its CPU counts as the client's" : 'tc netem';
    const shape = linkShapeText(network);
    const roundTrip = network.delayMs > 0 ? `, ${2 * network.delayMs} ms per round trip` : '';
    const delay = shape === '' ? '' : `: a namespace link with ${shape} (${by})${roundTrip}`;
    return `same machine, over a real link: each server ran in a network namespace of its own, joined to the client by a veth pair${delay}`;
  }
  return 'same machine as the servers, over loopback (127.0.0.1): no network in the latencies';
}

/** A short tag for labels: the target's host:port, "netns", or "" for loopback. */
export function placementTag(results: Results): string {
  const { target, network } = results.options;
  if (target !== undefined) return URL.canParse(target) ? new URL(target).host : target;
  if (network !== undefined) {
    const parts = [network.delayMs > 0 ? `+${network.delayMs} ms` : '', network.rateMbit === undefined ? '' : `${network.rateMbit} Mbit/s`].filter((p) => p !== '');
    return parts.length === 0 ? 'netns' : `netns ${parts.join(' ')}${network.delayBy === 'relay' ? ' (relay)' : ''}`;
  }
  return '';
}
