/**
 * --netns: each server runs in a network namespace of its own, joined to the bench by a veth pair, so that
 * client and server talk over a real link (its own addresses, its own queue, optionally netem's delay) instead
 * of loopback; without netem in the kernel, the delay is added by a relay in the bench (bench/delay-relay.ts).
 * Every name starts with the lab's prefix and holds the bench's pid, so that a run killed before it could clean
 * up is recognised, and its namespaces removed, by the next run (and only a dead bench's).
 *
 * Addresses: 10.200.N.0/30 per link, the bench's end .1, the server's end .2; N is the first free one.
 */
import { execFileSync } from 'node:child_process';
import { messageOf } from '../../lib/errors.js';
import { t } from '../../lib/lang/lang.js';
import { sentence } from '../../lib/lang/sentences.js';
import { shapesLink, type NetworkOptions } from './link-shape.js';

/** What netem is asked for on each end of a link: a delay, a rate, or both (tc's own words). */
export interface LinkShape {
  readonly delayMs: number;
  readonly rateMbit?: number;
}

function netemArgs(shape: LinkShape): string[] {
  return ['netem', 'delay', `${shape.delayMs}ms`, ...(shape.rateMbit === undefined ? [] : ['rate', `${shape.rateMbit}mbit`])];
}

export const NETNS_PREFIX = 'labns-';
/** Interface names are at most 15 characters: lv<pid>h<n> (the bench's end) and lv<pid>s<n> (the server's end). */
const VETH_PREFIX = 'lv';
const SUBNET = '10.200';

export interface LabLink {
  readonly namespace: string;
  /** The server's address, inside the namespace. */
  readonly serverAddress: string;
  readonly clientAddress: string;
  /** Deletes the namespace (and with it both ends of the link); safe to call twice. */
  remove(): void;
}

function run(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error: unknown) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr).trim() : '';
    throw new Error(`${command} ${args.join(' ')}: ${stderr === '' ? messageOf(error) : stderr}`);
  }
}

function tryRun(command: string, args: readonly string[]): void {
  try {
    run(command, args);
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lab's namespaces that exist now (of any bench). */
export function labNamespaces(): string[] {
  let text = '';
  try {
    text = run('ip', ['netns', 'list']);
  } catch {
    return [];
  }
  return text.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? '').filter((name) => name.startsWith(NETNS_PREFIX));
}

/** The lab's veth ends in this namespace (of any bench). */
export function labLinks(): string[] {
  let text = '';
  try {
    text = run('ip', ['-o', 'link', 'show']);
  } catch {
    return [];
  }
  return [...text.matchAll(/^\d+:\s+(lv\d+[hs]\d+)[@:]/gm)].map((m) => m[1] ?? '').filter((n) => n !== '');
}

/** Removes the namespaces and links of benches that are gone (killed before they could clean up). Returns their names. */
export function removeLeftovers(): string[] {
  const removed: string[] = [];
  for (const name of labNamespaces()) {
    const pid = Number(/^labns-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid)) {
      tryRun('ip', ['netns', 'del', name]);
      removed.push(name);
    }
  }
  for (const name of labLinks()) {
    const pid = Number(/^lv(\d+)[hs]/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) {
      tryRun('ip', ['link', 'del', name]);
      removed.push(name);
    }
  }
  return removed;
}

/** Why --netns cannot run here, in one line; null when it can (root and ip). A delay needs no more: see delayMethod. */
export function netnsUnavailable(): string | null {
  if (process.platform !== 'linux') return t('err.netns.linux', { platform: process.platform });
  if (process.getuid?.() !== 0) return t('err.netns.root');
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return t('err.netns.ip');
  }
  return null;
}

/** Why netem cannot shape the link here, in one line; null when it can (tc, and the netem qdisc in the kernel). */
export function netemUnavailable(shape: LinkShape): string | null {
  try {
    execFileSync('tc', ['-V'], { stdio: 'ignore' });
  } catch {
    return t('err.netem.tc');
  }
  // A veth pair of our own, netem on one end, then gone: the kernel may lack the netem qdisc (CONFIG_NET_SCH_NETEM).
  const a = `${VETH_PREFIX}${process.pid}h999`;
  const b = `${VETH_PREFIX}${process.pid}s999`;
  try {
    run('ip', ['link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
    run('tc', ['qdisc', 'add', 'dev', a, 'root', ...netemArgs(shape)]);
  } catch (error: unknown) {
    const message = messageOf(error);
    return /unknown/i.test(message) ? t('err.netem.kernel') : t('err.netem.failed', { why: message });
  } finally {
    tryRun('ip', ['link', 'del', a]);
  }
  return null;
}

/**
 * How --netem-delay and --netem-rate are made on this machine: netem on both ends of the link when the kernel has
 * it, else the lab's relay in the bench process (bench/delay-relay.ts). Decided once per run and recorded.
 */
export function delayMethod(network: NetworkOptions): NetworkOptions {
  if (!shapesLink(network) || network.delayBy !== undefined) return network;
  return { ...network, delayBy: netemUnavailable(network) === null ? 'netem' : 'relay' };
}

const live = new Map<string, LabLink>();
let counter = 0;

// Last resort (an exception, process.exit on a second Ctrl-C): no namespace of this bench outlives it. A
// SIGKILL leaves them to the next run's removeLeftovers().
process.on('exit', () => {
  for (const link of live.values()) link.remove();
});

function usedSubnets(): Set<number> {
  const used = new Set<number>();
  let text = '';
  try {
    text = run('ip', ['-o', '-4', 'addr', 'show']);
  } catch {
    return used;
  }
  for (const m of text.matchAll(/inet 10\.200\.(\d+)\./g)) used.add(Number(m[1]));
  return used;
}

/** Whether an address is the server's end of a link this bench made: the one exception to loopback-only load. */
export function isLabServerAddress(host: string): boolean {
  return [...live.values()].some((link) => link.serverAddress === host);
}

/**
 * A fresh namespace joined to this one by a veth pair, with `netem` (a delay and a rate) on each end, so each
 * direction is shaped once: the round trip gains 2 × the delay; null for a plain link. Anything that fails
 * half-way is undone before it throws.
 */
export function createLink(netem: LinkShape | null): LabLink {
  const n = counter++;
  const used = usedSubnets();
  const subnet = Array.from({ length: 256 }, (_, i) => i).find((i) => !used.has(i));
  if (subnet === undefined) throw new Error(sentence('err.noSubnet', { subnet: SUBNET }));
  const namespace = `${NETNS_PREFIX}${process.pid}-${n}`;
  const host = `${VETH_PREFIX}${process.pid}h${n}`;
  const peer = `${VETH_PREFIX}${process.pid}s${n}`;
  const clientAddress = `${SUBNET}.${subnet}.1`;
  const serverAddress = `${SUBNET}.${subnet}.2`;
  let removed = false;
  const link: LabLink = {
    namespace,
    serverAddress,
    clientAddress,
    remove: () => {
      if (removed) return;
      removed = true;
      live.delete(namespace);
      // Deleting the namespace deletes the end inside it, and a veth end takes its peer with it.
      tryRun('ip', ['netns', 'del', namespace]);
      tryRun('ip', ['link', 'del', host]);
    },
  };
  live.set(namespace, link);
  try {
    run('ip', ['netns', 'add', namespace]);
    run('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', peer, 'netns', namespace]);
    run('ip', ['addr', 'add', `${clientAddress}/30`, 'dev', host]);
    run('ip', ['link', 'set', host, 'up']);
    run('ip', ['-n', namespace, 'addr', 'add', `${serverAddress}/30`, 'dev', peer]);
    run('ip', ['-n', namespace, 'link', 'set', peer, 'up']);
    run('ip', ['-n', namespace, 'link', 'set', 'lo', 'up']);
    if (netem !== null) {
      run('tc', ['qdisc', 'add', 'dev', host, 'root', ...netemArgs(netem)]);
      run('tc', ['-n', namespace, 'qdisc', 'add', 'dev', peer, 'root', ...netemArgs(netem)]);
    }
  } catch (error: unknown) {
    link.remove();
    throw error;
  }
  return link;
}
