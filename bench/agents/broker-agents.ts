/**
 * --agents N --broker redis://HOST:PORT: the bench's load split among N agents registered on a broker
 * (`npm run agent`, bench/agents/agent.ts), seen by the bench as one load generator. For each load, the clients (or
 * the rate) are split in proportion to the agents' cores; every agent gets one BullMQ job with a common start time on
 * the broker's clock, far enough ahead for the slowest to receive it, and a slack past which it refuses to start. The
 * window's edges and ticks come back as the jobs' progress; the outcomes are merged exactly (bench/agents/merge.ts).
 *
 * An agent whose registration expires during a job (killed, unplugged) fails that load with its name; the next loads
 * go to a spare registered agent, else to the agents left (each trial records which agents it had). A job not over
 * long after its planned end fails too. When the set closes, the queues of agents that died are removed: no key of the
 * run stays on the broker (a living agent's queue is its own, and goes when it stops).
 */
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { sentence } from '../../lib/lang/sentences.js';
import type { HostedClosedOptions, HostedOpenOptions, ClientCpu } from '../load/load-host.js';
import type { LoadProgress } from '../load/load-progress.js';
import { decodeClosed, decodeOpen, decodeTick, type ClosedSpec, type OpenSpec } from '../load/load-messages.js';
import type { LoadOutcome } from '../load/closed-loop.js';
import type { OpenLoadOutcome } from '../load/open-loop.js';
import type { LoadTimeline } from '../load/timeline.js';
import { QUEUE_PREFIX, clockOffsetMs, connectBroker, nowMs, queueName, registeredAgents, registrationKey, stopChannel, type Registration } from './broker.js';
import { shownBroker } from '../../lib/broker-url.js';
import { isJobProgress, isJobResult, type JobResult, type LoadJob } from './agent-jobs.js';
import { machineId, removeQueue } from './agent.js';
import { fanOut, type AgentGenerator, type AgentInfo, type LoadPart, type PartCallbacks } from './local-agents.js';
import { mergeClosed, mergeOpen, splitAmong, splitRate } from './merge.js';

/** How far ahead the common start is set: the slowest agent's job must arrive, and its clock be read, before it. */
const LEAD_MS = 800;
/** An agent that would start later than this after the common start refuses the job (its load would not overlap). */
export const START_SLACK_MS = 250;
/** How often the bench looks for a running agent's registration. */
const WATCH_MS = 500;
/** A job still running this long after its planned end has failed. */
const OVERDUE_MS = 30_000;
/** The bench's broker commands give up after this long (the broker gone without a word). */
const COMMAND_TIMEOUT_MS = 3000;

/**
 * The registered agents a run may use, in the order it takes them (by name), or why not enough: `localOnly` (the
 * servers listen on this machine's loopback) keeps the agents of this machine, told by its machine id.
 */
async function usableAgents(redis: Redis, url: string, count: number, localOnly: boolean): Promise<Registration[]> {
  const registered = await registeredAgents(redis);
  const here = machineId();
  const usable = localOnly ? registered.filter((a) => a.machine === here) : registered;
  if (usable.length >= count) return usable;
  const away = registered.filter((a) => a.machine !== here);
  if (localOnly && away.length > 0 && registered.length >= count) throw new Error(sentence('err.broker.agentsAway', { agents: away.map((a) => `${a.name} (${a.host})`).join(', ') }));
  // The command to copy keeps the URL as the user typed it (on their own terminal), password included.
  throw new Error(sentence('err.broker.tooFew', { asked: count, n: usable.length, broker: shownBroker(url), url, agents: usable.map((a) => a.name).join(', ') || '—' }));
}

/** The agents a run would use, checked before anything starts: a broker that answers and enough agents on it. */
export async function checkAgents(url: string, count: number, localOnly: boolean): Promise<readonly Registration[]> {
  const redis = await connectBroker(url);
  try {
    return await usableAgents(redis, url, count, localOnly);
  } finally {
    redis.disconnect();
  }
}

type Settled<T> = { resolve(value: T): void; reject(error: Error): void; progress(p: unknown): void };

interface RemoteAgent {
  readonly registration: Registration;
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly jobs: Map<string, Settled<JobResult>>;
  dead: boolean;
}

export interface BrokerAgentsOptions {
  /** The servers listen on this machine's loopback (no --target, or a loopback one): only its own agents reach them. */
  readonly localOnly: boolean;
  /** Said when an agent is lost and who takes its place (one line; the run keeps it among its warnings). */
  readonly onNotice?: (text: string) => void;
}

export async function startBrokerAgents(url: string, count: number, options: BrokerAgentsOptions): Promise<AgentGenerator> {
  // A broker that stops answering must not hold a trial forever: every command gives up after a while.
  const redis = await connectBroker(url, { commandTimeoutMs: COMMAND_TIMEOUT_MS });
  let registered: Registration[];
  let benchOffset: number;
  try {
    registered = await usableAgents(redis, url, count, options.localOnly);
    // The bench's own clock against the broker's: start times are set on the broker's clock.
    benchOffset = (await clockOffsetMs(redis)).offsetMs;
  } catch (error: unknown) {
    redis.disconnect();
    throw error;
  }
  const brokerNow = (): number => nowMs() - benchOffset;
  const runTag = `${process.pid}-${Date.now().toString(36)}`;
  let nextJob = 1;

  // Connections handed to BullMQ stay the bench's to close.
  const connections: Redis[] = [];
  const duplicate = (): Redis => {
    const c = redis.duplicate();
    c.on('error', () => undefined);
    connections.push(c);
    return c;
  };
  const connect = async (registration: Registration): Promise<RemoteAgent> => {
    const queue = new Queue(queueName(registration.name), { connection: duplicate(), prefix: QUEUE_PREFIX });
    const events = new QueueEvents(queueName(registration.name), { connection: duplicate(), prefix: QUEUE_PREFIX });
    events.on('error', () => undefined);
    await events.waitUntilReady();
    const agent: RemoteAgent = { registration, queue, events, jobs: new Map(), dead: false };
    events.on('progress', ({ jobId, data }) => {
      agent.jobs.get(jobId)?.progress(data);
    });
    events.on('completed', ({ jobId, returnvalue }) => {
      const job = agent.jobs.get(jobId);
      agent.jobs.delete(jobId);
      const value: unknown = returnvalue;
      if (isJobResult(value)) job?.resolve(value);
      else job?.reject(new Error(sentence('err.agent.badResult')));
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const job = agent.jobs.get(jobId);
      agent.jobs.delete(jobId);
      // The agent's own reasons name it already.
      const why = failedReason.slice(0, 300);
      job?.reject(new Error(why.includes(registration.name) ? why : sentence('err.agent.failed', { name: registration.name, why })));
    });
    return agent;
  };
  const inUse: RemoteAgent[] = [];
  const spares = registered.slice(count);
  const everyAgent: RemoteAgent[] = [];
  for (const r of registered.slice(0, count)) {
    const a = await connect(r);
    inUse.push(a);
    everyAgent.push(a);
  }

  /** An agent whose registration is gone, or now another instance's (restarted under its name), is dead to the run. */
  const markDead = async (): Promise<void> => {
    const now = await redis.mget(...inUse.map((a) => registrationKey(a.registration.name)));
    inUse.forEach((a, i) => {
      const value = now[i];
      if (value === null || value === undefined || !value.includes(a.registration.instance)) a.dead = true;
    });
  };
  /** A dead agent leaves the set; a spare registered agent, still alive, takes its place. */
  const replace = async (): Promise<void> => {
    for (let i = inUse.length - 1; i >= 0; i -= 1) {
      const gone = inUse[i];
      if (gone === undefined || !gone.dead) continue;
      inUse.splice(i, 1);
      const alive = new Set((await registeredAgents(redis)).map((r) => r.instance));
      let spare = spares.shift();
      while (spare !== undefined && !alive.has(spare.instance)) spare = spares.shift();
      if (spare === undefined) {
        options.onNotice?.(sentence('agent.lostGoesOn', { name: gone.registration.name, agents: inUse.map((a) => a.registration.name).join(', ') || '—' }));
        continue;
      }
      const next = await connect(spare);
      inUse.push(next);
      everyAgent.push(next);
      options.onNotice?.(sentence('agent.lostReplaced', { name: gone.registration.name, spare: spare.name }));
    }
  };

  /** One agent's part of a load: a job, its progress heard, the registration watched, the outcome decoded. */
  const job = <T>(agent: RemoteAgent, data: LoadJob, callbacks: PartCallbacks, decode: (r: JobResult) => T): { readonly done: Promise<T>; stop(): void } => {
    const id = `${runTag}-${nextJob++}`;
    const name = agent.registration.name;
    let watch: NodeJS.Timeout | undefined;
    const done = new Promise<JobResult>((resolve, reject) => {
      const fail = (error: Error): void => {
        agent.jobs.delete(id);
        reject(error);
      };
      agent.jobs.set(id, {
        resolve,
        reject,
        progress: (p) => {
          if (!isJobProgress(p)) return;
          if (p.type === 'window') (p.edge === 'start' ? callbacks.onWindowStart : callbacks.onWindowEnd)();
          else callbacks.onProgress?.(decodeTick(p.tick));
        },
      });
      const spec = data.spec;
      const deadline = data.startAtMs + (spec.warmupSeconds + spec.durationSeconds + 2 * spec.maxDrainSeconds) * 1000 + OVERDUE_MS;
      watch = setInterval(() => {
        if (brokerNow() > deadline) {
          fail(new Error(sentence('err.agent.overdue', { name })));
          return;
        }
        void redis.get(registrationKey(name)).then(
          (value) => {
            if (!agent.jobs.has(id)) return;
            if (value === null || !value.includes(agent.registration.instance)) {
              agent.dead = true;
              fail(new Error(sentence('err.agent.died', { name })));
            }
          },
          (error: unknown) => {
            fail(new Error(sentence('err.broker.lost', { why: error instanceof Error ? error.message : String(error) })));
          },
        );
      }, WATCH_MS);
      agent.queue.add(data.kind, data, { jobId: id, removeOnComplete: true, removeOnFail: true, attempts: 1 }).catch((error: unknown) => {
        fail(new Error(sentence('err.broker.lost', { why: error instanceof Error ? error.message : String(error) })));
      });
    });
    return {
      done: done
        .finally(() => {
          clearInterval(watch);
        })
        .then(decode),
      stop: () => {
        redis.publish(stopChannel(name), id).catch(() => undefined);
      },
    };
  };

  /** A remote timeline, from the broker's clock onto the bench's. */
  const onBenchClock = (timeline: LoadTimeline): LoadTimeline => ({ ...timeline, startEpochMs: timeline.startEpochMs + benchOffset });
  const here = machineId();
  const measures = (r: JobResult, agent: RemoteAgent): ClientCpu & { readonly startLateMs: number; readonly elsewhere?: boolean } => ({
    clientCpuMs: r.clientCpuMs,
    ...(r.clientLagMs === undefined ? {} : { clientLagMs: r.clientLagMs }),
    startLateMs: r.startLateMs,
    ...(agent.registration.machine === here ? {} : { elsewhere: true }),
  });
  const closedOf = (agent: RemoteAgent) => (r: JobResult): LoadOutcome & ReturnType<typeof measures> => {
    if (r.kind !== 'closed') throw new Error(sentence('err.agent.badResult'));
    const o = decodeClosed(r.outcome);
    return { ...o, timeline: onBenchClock(o.timeline), ...measures(r, agent) };
  };
  const openOf = (agent: RemoteAgent) => (r: JobResult): OpenLoadOutcome & ReturnType<typeof measures> => {
    if (r.kind !== 'open') throw new Error(sentence('err.agent.badResult'));
    const o = decodeOpen(r.outcome);
    return { ...o, timeline: onBenchClock(o.timeline), ...measures(r, agent) };
  };

  const info = (a: RemoteAgent): AgentInfo => ({ name: a.registration.name, host: a.registration.host, pid: a.registration.pid, weight: a.registration.cores, clockOffsetMs: a.registration.clockOffsetMs, node: a.registration.node });
  /** The agents a load goes to, once the dead ones are replaced; none left is the load's failure. */
  const ready = async (): Promise<readonly RemoteAgent[]> => {
    // An agent lost between two loads is found before the next, not by its failure.
    if (inUse.length > 0) await markDead();
    await replace();
    if (inUse.length === 0) throw new Error(sentence('err.agent.noneLeft', { broker: shownBroker(url) }));
    // The clock is read again at each load: the bench's offset drifts as any clock does.
    benchOffset = (await clockOffsetMs(redis, 3)).offsetMs;
    return [...inUse];
  };
  /** A load whose parts are known only once the agents are (asynchronously): started when they are. */
  const deferred = <M>(start: () => Promise<{ readonly done: Promise<M>; stop(): void }>): { readonly done: Promise<M>; stop(): void } => {
    let stopped = false;
    const started = start();
    return {
      done: started.then((s) => {
        if (stopped) s.stop();
        return s.done;
      }),
      stop: () => {
        stopped = true;
        void started.then((s) => {
          s.stop();
        }, () => undefined);
      },
    };
  };
  /** A load's options as they travel (a function cannot), and the callbacks that stay here. */
  const apart = <S extends object>(o: S & { readonly onWindowStart?: () => void; readonly onWindowEnd?: () => void; readonly onProgress?: LoadProgress }) => {
    const { onWindowStart, onWindowEnd, onProgress, ...spec } = o;
    return {
      spec: { ...spec, progress: onProgress !== undefined },
      callbacks: { ...(onWindowStart === undefined ? {} : { onWindowStart }), ...(onWindowEnd === undefined ? {} : { onWindowEnd }), ...(onProgress === undefined ? {} : { onProgress }) },
    };
  };

  return {
    pid: process.pid,
    // Processes on other machines (or other namespaces): nothing here to place on cores.
    pids: [],
    get agents() {
      return everyAgent.map(info);
    },
    closed(o: HostedClosedOptions) {
      return deferred(async () => {
        const agents = await ready();
        const shares = splitAmong(o.connections, agents.map((a) => a.registration.cores));
        const startAtMs = brokerNow() + LEAD_MS;
        const { spec, callbacks } = apart(o);
        const parts = agents.map((a, i): LoadPart<ReturnType<ReturnType<typeof closedOf>>> => ({
          name: a.registration.name,
          share: shares[i] ?? 0,
          start: (callbacks) => job(a, { kind: 'closed', spec: { ...spec, connections: shares[i] ?? 0 } satisfies ClosedSpec, startAtMs, slackMs: START_SLACK_MS }, callbacks, closedOf(a)),
        }));
        return fanOut(parts, callbacks, mergeClosed);
      });
    },
    open(o: HostedOpenOptions) {
      return deferred(async () => {
        const agents = await ready();
        const rates = splitRate(o.rate, agents.map((a) => a.registration.cores));
        // The connections in flight follow the rate: an agent given 80 % of the rate needs 80 % of them.
        const inflight = splitAmong(o.maxInflight, agents.filter((_, i) => (rates[i] ?? 0) > 0).map((a) => a.registration.cores));
        const startAtMs = brokerNow() + LEAD_MS;
        const { spec, callbacks } = apart(o);
        const parts = agents.map((a, i): LoadPart<ReturnType<ReturnType<typeof openOf>>> => ({
          name: a.registration.name,
          share: rates[i] ?? 0,
          // Each agent its own Poisson gaps (the same seed would send their requests in step).
          start: (callbacks, k) => job(a, { kind: 'open', spec: { ...spec, rate: rates[i] ?? 0, maxInflight: Math.max(1, inflight[k] ?? 1), seed: (o.seed + 7919 * k) % 2 ** 31 } satisfies OpenSpec, startAtMs, slackMs: START_SLACK_MS }, callbacks, openOf(a)),
        }));
        return fanOut(parts, callbacks, mergeOpen);
      });
    },
    hold() {
      // Refused with --broker before the run starts (bench/plan/options.ts): held connections stay on this machine.
      const error = Promise.reject(new Error(sentence('err.broker.hold')));
      error.catch(() => undefined);
      return { done: error, release: () => Promise.resolve() };
    },
    async close() {
      // A dead agent cannot remove its queue: its job (and its lock) would stay on the broker. One restarted under its
      // name since is alive: its queue is its own. A living agent keeps its queue, not the run's events in it.
      const now = everyAgent.length === 0 ? [] : await redis.mget(...everyAgent.map((a) => registrationKey(a.registration.name))).catch(() => everyAgent.map(() => ''));
      for (const [i, a] of everyAgent.entries()) {
        for (const j of a.jobs.values()) j.reject(new Error(sentence('err.loadGone')));
        a.jobs.clear();
        if (now[i] !== null) await a.queue.trimEvents(0).catch(() => undefined);
        await a.events.close().catch(() => undefined);
        await a.queue.close().catch(() => undefined);
        if (now[i] === null) await removeQueue(redis, a.registration.name);
      }
      for (const c of connections) c.disconnect();
      redis.disconnect();
    },
  };
}
