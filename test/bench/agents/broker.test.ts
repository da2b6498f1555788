/**
 * Load agents on a broker (npm run agent, --broker): a Redis of the test's own and agents as the user starts them.
 * Their loads merge exactly (answers, histograms, an open loop's planned sends); a bench split among two gives one
 * case with each agent's share; an agent killed mid-trial fails that trial with its name and the run finishes; a job
 * that would start late is refused; an agent whose broker goes away says so and comes back; bad input is one line,
 * status 2, before anything starts; and nothing is left: no agent's or run's key on the broker, no process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokerAgents } from '../../../bench/agents/broker-agents.js';
import { QUEUE_PREFIX, queueName } from '../../../bench/agents/broker.js';
import { repoRoot } from '../../../lib/paths.js';
import type { FailedTrial } from '../../../results/schema.js';
import { BENCH, expectRefusal, labServers, loadProcesses, okTrialsOf, resultsIn } from '../../helpers/bench-cli.js';
import { redisSkipReason, startRedis, type TestRedis } from '../../helpers/redis.js';
import { serveWith, type ServedModel } from '../../helpers/serve.js';
import { eventually } from '../../helpers/wait.js';

const AGENT = join(repoRoot, 'dist', 'scripts', 'agent.js');
const skip = redisSkipReason();

interface StartedAgent {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

/** `npm run agent -- --broker URL --name NAME`, resolved once it says it is registered. */
async function startAgentProcess(broker: string, name: string): Promise<StartedAgent> {
  const child = spawn(process.execPath, [AGENT, '--broker', broker, '--name', name, '--lang', 'en'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (text += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (text += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    resolve(code);
  }));
  const agent = { child, output: () => text, exited };
  if (!(await eventually(() => text.includes('registered on'), 15_000))) throw new Error(`agent ${name} did not register: ${text}`);
  return agent;
}

async function keys(redis: Redis): Promise<string[]> {
  return (await redis.keys('*')).sort();
}

describe.skipIf(skip !== null)('load agents on a broker', () => {
  let broker: TestRedis;
  let redis: Redis;
  let server: ServedModel;
  const agents: StartedAgent[] = [];
  const before = { loads: 0, servers: 0 };

  beforeAll(async () => {
    before.loads = loadProcesses();
    before.servers = labServers().length;
    broker = await startRedis();
    redis = new Redis(broker.url);
    server = await serveWith(['event-loop']);
    agents.push(await startAgentProcess(broker.url, 'alice'), await startAgentProcess(broker.url, 'bob'));
  }, 60_000);

  afterAll(async () => {
    for (const a of agents) a.child.kill('SIGINT');
    const codes = await Promise.all(agents.map((a) => a.exited));
    // Stopped agents leave nothing on the broker: no registration, no queue, no job, no event.
    const left = await keys(redis);
    redis.disconnect();
    await server.stop();
    await broker.stop();
    expect(codes.every((c) => c === 0 || c === null)).toBe(true);
    expect(left).toEqual([]);
    expect(await eventually(() => loadProcesses() === before.loads, 5000)).toBe(true);
    expect(labServers().length).toBe(before.servers);
  }, 30_000);

  it('the agent command refuses what makes no sense in one line, status 2', async () => {
    const run = (args: readonly string[]): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [AGENT, '--lang', 'en', ...args], { encoding: 'utf8', timeout: 15_000 });
    const noBroker = run([]);
    expect(noBroker.status).toBe(2);
    expect(String(noBroker.stderr)).toContain('--broker is required');
    const badUrl = run(['--broker', 'http://example.com']);
    expect(badUrl.status).toBe(2);
    expect(String(badUrl.stderr)).toContain('not a broker URL');
    // A password the broker does not take is said as such, not as a broker that cannot be reached.
    const guarded = await startRedis(undefined, [], 'secret');
    try {
      for (const url of [guarded.url.replace(':secret@', ':wrong@'), guarded.url.replace(':secret@', '')]) {
        const refused = run(['--broker', url]);
        expect(refused.status).toBe(2);
        expect(String(refused.stderr)).toContain('refused the connection');
      }
    } finally {
      await guarded.stop();
    }
    const badCpus = run(['--broker', broker.url, '--cpus', '3-1']);
    expect(badCpus.status).toBe(2);
    expect(String(badCpus.stderr)).toContain('--cpus');
    const badName = run(['--broker', broker.url, '--name', 'a b']);
    expect(badName.status).toBe(2);
    expect(String(badName.stderr)).toContain('--name');
    const taken = run(['--broker', broker.url, '--name', 'alice']);
    expect(taken.status).toBe(2);
    expect(String(taken.stderr)).toContain('already registered');
    // A port where nothing listens: the broker cannot be reached (within its 3 s).
    const unreachable = run(['--broker', 'redis://127.0.0.1:1']);
    expect(unreachable.status).toBe(2);
    expect(String(unreachable.stderr).trim().split('\n')).toHaveLength(1);
    expect(String(unreachable.stderr)).toContain('cannot be reached');
  }, 60_000);

  it('the bench refuses a broker it cannot reach, too few agents, or --hold, before any server starts', () => {
    expectRefusal(['--models', 'event-loop', '--workloads', 'io', '--broker', 'redis://127.0.0.1:1', '--agents', '2'], 'cannot be reached');
    expectRefusal(['--models', 'event-loop', '--workloads', 'io', '--broker', broker.url, '--agents', '3'], '3 agents asked for, 2 registered');
    expectRefusal(['--broker', 'ftp://x'], 'not a broker URL');
    expectRefusal(['--models', 'event-loop', '--workloads', 'ws-echo', '--hold', '10', '--broker', broker.url], '--hold');
    expectRefusal(['--models', 'event-loop', '--workloads', 'ws-chat', '--rate', '50', '--agents', '2'], 'ws-chat');
  }, 60_000);

  it('a closed load split between two agents: 16 clients each, answers and histogram counts that add up', async () => {
    const set = await startBrokerAgents(broker.url, 2, { localOnly: true });
    try {
      expect(set.agents.map((a) => a.name)).toEqual(['alice', 'bob']);
      const outcome = await set.closed({ url: server.url, paths: ['/work?io=20'], connections: 32, warmupSeconds: 0.3, durationSeconds: 1, maxDrainSeconds: 2 }).done;
      expect((outcome.agents ?? []).map((a) => [a.name, a.share])).toEqual([['alice', 16], ['bob', 16]]);
      const sum = (outcome.agents ?? []).reduce((n, a) => n + a.responses, 0);
      expect(outcome.responses).toBe(sum);
      // The merged histogram holds exactly what the agents' held.
      expect(outcome.histogram.totalCount).toBe((outcome.agents ?? []).reduce((n, a) => n + (a.recorded ?? 0), 0));
      expect(sum).toBeGreaterThan(100);
      for (const a of outcome.agents ?? []) {
        expect(a.startLateMs).toBeLessThan(250);
        // Each agent's own event-loop delay over the window (a busy agent answers its sockets late).
        expect(a.clientLagMs).toBeGreaterThan(0);
      }
      expect(outcome.timeline.slices.length).toBeGreaterThan(10);
    } finally {
      await set.close();
    }
  }, 60_000);

  it('an open load at 200/s split between them: about 200/s achieved, planned the sum of theirs', async () => {
    const set = await startBrokerAgents(broker.url, 2, { localOnly: true });
    try {
      const outcome = await set.open({ url: server.url, paths: ['/work?io=20'], rate: 200, arrivals: 'poisson', maxInflight: 64, seed: 7, warmupSeconds: 0.3, durationSeconds: 2, maxDrainSeconds: 2 }).done;
      expect((outcome.agents ?? []).map((a) => a.share)).toEqual([100, 100]);
      // Poisson arrivals: 400 planned over 2 s, give or take a few standard deviations (√400 = 20).
      expect(outcome.planned).toBeGreaterThan(320);
      expect(outcome.planned).toBeLessThan(480);
      expect(outcome.responses).toBe((outcome.agents ?? []).reduce((n, a) => n + a.responses, 0));
      expect(outcome.responses / outcome.durationSeconds).toBeGreaterThan(160);
      expect(outcome.responses / outcome.durationSeconds).toBeLessThan(240);
    } finally {
      await set.close();
    }
  }, 60_000);

  it('a job that would start late, or too far ahead, is refused; one stopped before its start never loads; one that asks past the bounds is refused', async () => {
    const connection = new Redis(broker.url, { maxRetriesPerRequest: null });
    const queue = new Queue(queueName('alice'), { connection, prefix: QUEUE_PREFIX });
    const heard = connection.duplicate();
    const events = new QueueEvents(queueName('alice'), { connection: heard, prefix: QUEUE_PREFIX });
    try {
      await events.waitUntilReady();
      const spec = { url: server.url, paths: ['/work?io=20'], connections: 1, warmupSeconds: 0, durationSeconds: 0.5, maxDrainSeconds: 1, progress: false };
      // Heard before the job is added: a refused job fails (and is removed) within milliseconds.
      const outcome = (id: string): Promise<string> =>
        new Promise((resolve) => {
          events.on('failed', ({ jobId, failedReason }) => {
            if (jobId === id) resolve(failedReason);
          });
          events.on('completed', ({ jobId }) => {
            if (jobId === id) resolve('completed');
          });
        });
      const submit = async (data: object, id: string): Promise<string> => {
        const heard = outcome(id);
        await queue.add('closed', data, { jobId: id, removeOnComplete: true, removeOnFail: true });
        return heard;
      };
      expect(await submit({ kind: 'closed', spec, startAtMs: Date.now() - 5000, slackMs: 250 }, 'test-late')).toMatch(/after the common start: refused/);
      expect(await submit({ kind: 'closed', spec, startAtMs: Date.now() + 3_600_000, slackMs: 250 }, 'test-ahead')).toMatch(/refused \(at most 30 s ahead\)/);
      expect(await submit({ kind: 'closed', spec: { ...spec, connections: 10_000_000 }, startAtMs: Date.now() + 500, slackMs: 250 }, 'test-huge')).toMatch(/cannot read/);
      // Stopped while it waits for a start 5 s ahead: it fails at once and never loads.
      const t0 = Date.now();
      const stopped = outcome('test-stopped');
      const waiting = await queue.add('closed', { kind: 'closed', spec, startAtMs: Date.now() + 5000, slackMs: 250 }, { jobId: 'test-stopped', removeOnComplete: true, removeOnFail: true });
      expect(await eventually(async () => (await waiting.getState()) === 'active', 5000, 20)).toBe(true);
      await connection.publish('lab:agent:alice:stop', 'test-stopped');
      expect(await stopped).toMatch(/called off before it began/);
      expect(Date.now() - t0).toBeLessThan(4000);
    } finally {
      await events.close();
      await queue.close();
      heard.disconnect();
      connection.disconnect();
    }
  }, 30_000);

  it('a bench split between two agents gives one case, each agent’s share recorded; a killed agent fails its trial by name, the run finishes, its keys go', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-broker-'));
    const args = [BENCH, '--models', 'event-loop', '--workloads', 'io', '--connections', '32', '--duration', '1', '--trials', '2', '--max-trials', '2', '--agents', '2', '--broker', broker.url, '--out', out, '--lang', 'en'];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 180_000 });
    expect(run.status, run.stderr).toBe(0);
    const results = resultsIn(out);
    expect(results.options.agents?.map((a) => [a.name, a.weight])).toEqual([['alice', expect.any(Number)], ['bob', expect.any(Number)]]);
    const trials = okTrialsOf(results, 'io');
    expect(trials.length).toBe(2);
    for (const trial of trials) {
      expect(trial.agents?.map((a) => a.share)).toEqual([16, 16]);
      expect(trial.agents?.reduce((a, x) => a + x.responses, 0)).toBe(trial.requests);
      expect(trial.agents?.every((a) => typeof a.lagMs === 'number' && typeof a.startLateMs === 'number')).toBe(true);
    }
    // The run's events are trimmed from the agents' queues: the broker keeps nothing of the run.
    expect(await redis.xlen('labq:agent-alice:events')).toBe(0);

    // Now bob dies while it loads: a trial fails with its name; the run goes on with alice and ends as usual.
    const out2 = mkdtempSync(join(tmpdir(), 'lab-broker-'));
    const bench = spawn(process.execPath, [...args.slice(0, args.indexOf('--out')), '--out', out2, '--lang', 'en', '--duration', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    bench.stderr.setEncoding('utf8').on('data', (c: string) => (said += c));
    bench.stdout.setEncoding('utf8').on('data', (c: string) => (said += c));
    const benchExit = new Promise<number | null>((resolve) => bench.once('exit', (code) => {
      resolve(code);
    }));
    const bob = agents[1];
    if (bob === undefined) throw new Error('no bob');
    const seen = bob.output().length;
    // Its first job of this run taken: the load is under way (its window follows the warm-up).
    expect(await eventually(() => bob.output().slice(seen).includes('closed load taken'), 60_000, 50)).toBe(true);
    bob.child.kill('SIGKILL');
    expect(await benchExit).toBe(0);
    const results2 = resultsIn(out2);
    const failed = results2.cases.flatMap((x) => x.trials).filter((x): x is FailedTrial => x.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.map((x) => x.error).join(' ')).toContain('agent bob');
    expect(results2.warnings.some((w) => w.code === 'agents' && w.message.includes('bob'))).toBe(true);
    expect(said).toContain('bob');
    // Nothing of bob's on the broker: its queue went with the run (it could not remove it itself).
    expect((await keys(redis)).filter((k) => k.includes('bob'))).toEqual([]);
    agents.splice(1, 1);
  }, 240_000);

  it('an agent whose broker goes away says so, retries, and registers again when it is back', async () => {
    const own = await startRedis();
    const port = Number(new URL(own.url).port);
    const agent = await startAgentProcess(own.url, 'carol');
    try {
      await own.stop();
      expect(await eventually(() => agent.output().includes('is unreachable; retrying'), 10_000, 50)).toBe(true);
      const again = await startRedis(port);
      try {
        expect(await eventually(() => agent.output().includes('answers again'), 15_000, 50)).toBe(true);
        const client = new Redis(again.url);
        expect(await eventually(async () => (await client.exists('lab:agent:carol')) === 1, 5000, 50)).toBe(true);
        agent.child.kill('SIGINT');
        expect(await agent.exited).toBe(0);
        expect(await client.keys('*')).toEqual([]);
        client.disconnect();
      } finally {
        await again.stop();
      }
    } finally {
      agent.child.kill('SIGKILL');
    }
  }, 60_000);
});
