/**
 * Load agents on other hosts, as far as one machine can show it: two agents, each in a network namespace of its own
 * (the --netns machinery's links), a server in a third, the broker and the bench outside. The agents reach the broker
 * over their links and the server through this machine's routing; the bench splits its load between them and merges
 * it; nothing is left after: no key on the broker, no process, no namespace. Linux, as root, with redis-server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLink, labNamespaces, netnsUnavailable, type LabLink } from '../../../bench/network/netns.js';
import { SERVE_SCRIPT } from '../../../bench/run/server-process.js';
import { repoRoot } from '../../../lib/paths.js';
import { benchOk, okTrialsOf } from '../../helpers/bench-cli.js';
import { redisSkipReason, startRedis, type TestRedis } from '../../helpers/redis.js';
import { eventually } from '../../helpers/wait.js';

const AGENT = join(repoRoot, 'dist', 'scripts', 'agent.js');
const FORWARD = '/proc/sys/net/ipv4/ip_forward';
const why = netnsUnavailable() ?? redisSkipReason();

interface Started {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

/** A command inside a namespace (`ip netns exec` execs it: the pid is the command's own). */
function inNamespace(namespace: string, args: readonly string[]): Started {
  const child = spawn('ip', ['netns', 'exec', namespace, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (text += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (text += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    resolve(code);
  }));
  return { child, output: () => text, exited };
}

describe.skipIf(why !== null)(`agents in two namespaces, the server in a third${why === null ? '' : ` (skipped: ${why})`}`, () => {
  const links: LabLink[] = [];
  const started: Started[] = [];
  let broker: TestRedis;
  let forwarding = '0';
  let target = '';

  beforeAll(async () => {
    forwarding = readFileSync(FORWARD, 'utf8').trim();
    // Between namespaces, through this machine: each link's namespace routes everything via the bench's end.
    writeFileSync(FORWARD, '1');
    for (let i = 0; i < 3; i += 1) links.push(createLink(null));
    for (const link of links) spawnSync('ip', ['-n', link.namespace, 'route', 'add', 'default', 'via', link.clientAddress]);
    const [a, b, c] = links;
    if (a === undefined || b === undefined || c === undefined) throw new Error('three links');
    broker = await startRedis(undefined, [a.clientAddress, b.clientAddress]);
    const port = new URL(broker.url).port;
    target = `http://${c.serverAddress}:8080`;
    const server = inNamespace(c.namespace, [process.execPath, SERVE_SCRIPT, 'event-loop', '--host', c.serverAddress, '--port', '8080']);
    started.push(server);
    expect(await eventually(async () => (await fetch(`${target}/health`).then((r) => r.ok, () => false)), 15_000, 100), server.output()).toBe(true);
    for (const [link, name] of [[a, 'ns-a'], [b, 'ns-b']] as const) {
      const agent = inNamespace(link.namespace, [process.execPath, AGENT, '--broker', `redis://${link.clientAddress}:${port}`, '--name', name, '--lang', 'en']);
      started.push(agent);
      expect(await eventually(() => agent.output().includes('registered on'), 15_000, 50), agent.output()).toBe(true);
    }
  }, 60_000);

  afterAll(async () => {
    for (const s of started) s.child.kill('SIGINT');
    await Promise.all(started.map((s) => s.exited));
    const redis = new Redis(broker.url);
    const left = await redis.keys('*');
    redis.disconnect();
    await broker.stop();
    for (const link of links) link.remove();
    writeFileSync(FORWARD, forwarding);
    expect(left).toEqual([]);
    expect(labNamespaces().filter((n) => links.some((l) => l.namespace === n))).toEqual([]);
  }, 30_000);

  it('the bench splits 32 clients between them, 16 each, and the case holds their answers together', () => {
    const results = benchOk(['--target', target, '--workloads', 'io', '--connections', '32', '--duration', '1', '--trials', '2', '--max-trials', '2', '--agents', '2', '--broker', broker.url, '--lang', 'en']);
    expect(results.options.agents?.map((x) => x.name)).toEqual(['ns-a', 'ns-b']);
    const trials = okTrialsOf(results, 'io');
    expect(trials.length).toBe(2);
    for (const trial of trials) {
      expect(trial.agents?.map((x) => [x.name, x.share])).toEqual([['ns-a', 16], ['ns-b', 16]]);
      expect(trial.agents?.reduce((n, x) => n + x.responses, 0)).toBe(trial.requests);
    }
  }, 200_000);
});
