/**
 * A load agent (npm run agent -- --broker redis://HOST:PORT): the lab's own load process (bench/load/load-process.ts),
 * fed by a BullMQ queue of its own instead of the bench's pipe. It registers on the broker (name, host, cores, Node.js,
 * its clock's offset to the broker's) and keeps the registration alive; it takes one `load` job at a time, waits for
 * the job's common start time on its own clock (refusing a job it would start later than the job's slack), runs it
 * with the lab's drivers, says the window's edges and ticks as the job's progress, and returns the outcome with its
 * histograms encoded. It loads only loopback, the lab's own namespaces, or an origin that answers as a lab server.
 * A broker that goes away is retried, and said so; when the agent stops (Ctrl-C), its load is abandoned, its queue
 * and registration removed and its load process ended: nothing is left on the broker or on the machine.
 */
import { readFileSync } from 'node:fs';
import { hostname, availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { messageOf } from '../../lib/errors.js';
import { sentence } from '../../lib/lang/sentences.js';
import { encodeClosed, encodeOpen, encodeTick } from '../load/load-messages.js';
import { startLoadGenerator, type ClientCpu, type LoadGenerator } from '../load/load-host.js';
import type { LoadTick } from '../load/load-progress.js';
import { startLocalAgents } from './local-agents.js';
import type { LoadTimeline } from '../load/timeline.js';
import { getAnswer } from '../network/http-get.js';
import { checkHealth } from '../network/remote.js';
import { assertLoadTarget } from '../network/load-target.js';
import { coresOf } from '../machine/placement.js';
import { HEARTBEAT_MS, QUEUE_PREFIX, REGISTRATION_TTL_MS, clockOffsetMs, connectBroker, nowMs, queueName, registrationKey, stopChannel, type Registration } from './broker.js';
import { shownBroker } from '../../lib/broker-url.js';
import { LoadJobSchema, type JobProgress, type JobResult, type LoadJob } from './agent-jobs.js';

export interface AgentOptions {
  readonly broker: string;
  readonly name: string;
  /** A taskset list for the load process (as the bench's --cpus places its own). */
  readonly cpus?: string;
  /** Where the agent says what happens (a line each). */
  readonly say: (line: string) => void;
}

export interface RunningAgent {
  readonly registration: Registration;
  /** Abandons the current load, removes the agent's queue and registration, ends its load process. */
  stop(): Promise<void>;
}

/** A timeline moved from this machine's clock onto the broker's. */
function onBrokerClock(timeline: LoadTimeline, offsetMs: number): LoadTimeline {
  return { ...timeline, startEpochMs: timeline.startEpochMs - offsetMs };
}

/**
 * Loopback, the lab's own veth address, or a server whose /health says it is one of the lab's models, asked again
 * at every job (a name that answered once may point elsewhere by the next).
 */
async function assertAgentTarget(url: string): Promise<void> {
  const origin = new URL(url).origin;
  try {
    assertLoadTarget(url);
    return;
  } catch {
    // not loopback: it must be a lab server
  }
  try {
    const answer = await getAnswer(`${origin}/health`, { totalMs: 3000, maxBytes: 64 * 1024 });
    checkHealth(origin, JSON.parse(answer.body) as unknown);
  } catch (error: unknown) {
    throw new UnrecoverableError(sentence('err.agent.notLab', { origin, why: messageOf(error).slice(0, 200) }));
  }
}

/** An agent's queue and everything in it (jobs, events, locks), also a dead agent's (the bench removes those). */
export async function removeQueue(redis: Redis, name: string): Promise<void> {
  const connection = redis.duplicate();
  connection.on('error', () => undefined);
  const queue = new Queue(queueName(name), { connection, prefix: QUEUE_PREFIX });
  try {
    await queue.obliterate({ force: true });
  } catch {
    // the broker is gone: nothing can be removed from it now
  } finally {
    await queue.close().catch(() => undefined);
    connection.disconnect();
  }
}

/** A job may start at most this far ahead: a start set a day ahead would hold the agent for a day. */
const MAX_AHEAD_MS = 30_000;
/** A stop heard before its job runs is kept this long (the job may not have reached the agent yet). */
const EARLY_STOP_MS = 120_000;
/** Renews the registration only where it is still this agent's (another may have taken the name since it expired). */
const RENEW_OWN = `local v = redis.call('GET', KEYS[1])
if v and not string.find(v, ARGV[2], 1, true) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`;
/** Removes the registration only where it is this agent's. */
const DEL_OWN = `local v = redis.call('GET', KEYS[1])
if v and string.find(v, ARGV[1], 1, true) then return redis.call('DEL', KEYS[1]) end
return 0`;

/** This machine, as the bench tells its own agents from others' (two laptops may share a host name). */
export function machineId(): string {
  try {
    const id = readFileSync('/etc/machine-id', 'utf8').trim();
    if (/^[0-9a-f]{32}$/.test(id)) return id;
  } catch {
    // not systemd's Linux: the host's name stands for it
  }
  return `host:${hostname()}`.slice(0, 64);
}

/**
 * The agent's load: one load process per core it may use (the lab's load process is single-threaded), at most
 * MAX_LOAD_PROCESSES, all placed on `cpus` where it is given; their parts merged as one.
 */
async function loadGenerator(processes: number, cpus: string | undefined): Promise<LoadGenerator> {
  const placed = cpus === undefined ? {} : { cpus };
  return processes > 1 ? startLocalAgents(processes, placed) : startLoadGenerator(placed);
}
const MAX_LOAD_PROCESSES = 16;

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const redis = await connectBroker(options.broker, { retry: true });
  const broker = shownBroker(options.broker);
  const offset = await clockOffsetMs(redis);
  const processes = Math.min(MAX_LOAD_PROCESSES, options.cpus === undefined ? availableParallelism() : Math.max(1, coresOf(options.cpus).length));
  const registration: Registration = {
    name: options.name,
    host: hostname(),
    machine: machineId(),
    pid: process.pid,
    cores: processes,
    node: process.version,
    clockOffsetMs: offset.offsetMs,
    instance: randomUUID(),
  };
  const key = registrationKey(options.name);
  // A name is one agent's: a second agent with it is refused (the first one's keys stay its own).
  if ((await redis.set(key, JSON.stringify(registration), 'PX', REGISTRATION_TTL_MS, 'NX')) === null) {
    redis.disconnect();
    throw new Error(sentence('err.agent.nameTaken', { name: options.name, broker }));
  }
  let generator: LoadGenerator;
  try {
    generator = await loadGenerator(processes, options.cpus);
  } catch (error: unknown) {
    await redis.eval(DEL_OWN, 1, key, registration.instance).catch(() => undefined);
    redis.disconnect();
    throw error;
  }

  let stopping = false;
  // The broker gone and back: said once each way; the connection keeps trying meanwhile (connectBroker's retry).
  let away = false;
  redis.on('close', () => {
    if (away || stopping) return;
    away = true;
    options.say(sentence('agent.brokerAway', { broker }));
  });
  redis.on('ready', () => {
    if (!away) return;
    away = false;
    options.say(sentence('agent.brokerBack', { broker }));
  });
  const renew = async (): Promise<void> => {
    const fresh = { ...registration, clockOffsetMs: (await clockOffsetMs(redis, 3)).offsetMs };
    if (stopping) return;
    await redis.eval(RENEW_OWN, 1, key, JSON.stringify(fresh), registration.instance, String(REGISTRATION_TTL_MS));
  };
  let renewing: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(() => {
    renewing = renew().catch(() => undefined);
  }, HEARTBEAT_MS);

  /** Each job's way to be stopped: its load once it runs, its wait for the start before. */
  const running = new Map<string, { stop(): void }>();
  const stopsHeard = new Map<string, number>();
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined);
  await subscriber.subscribe(stopChannel(options.name));
  subscriber.on('message', (_channel: string, jobId: string) => {
    const load = running.get(jobId);
    if (load !== undefined) load.stop();
    else stopsHeard.set(jobId, Date.now() + EARLY_STOP_MS);
    for (const [id, until] of stopsHeard) if (until < Date.now()) stopsHeard.delete(id);
  });
  const stopped = (id: string): boolean => stopping || stopsHeard.has(id);

  const run = async (job: Job): Promise<JobResult> => {
    const parsed = LoadJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(sentence('err.agent.badJob', { name: options.name }));
    const data = job.data as LoadJob;
    const id = job.id ?? '';
    await assertAgentTarget(data.spec.url);
    const { offsetMs } = await clockOffsetMs(redis, 3);
    const startAt = data.startAtMs + offsetMs;
    const early = startAt - nowMs();
    if (-early > data.slackMs) throw new UnrecoverableError(sentence('err.agent.late', { name: options.name, ms: Math.round(-early) }));
    if (early > MAX_AHEAD_MS) throw new UnrecoverableError(sentence('err.agent.ahead', { name: options.name, seconds: Math.round(early / 1000) }));
    // The wait for the common start can be stopped as the load can (the bench stopped, or the agent).
    const waiting = new AbortController();
    running.set(id, { stop: () => {
      waiting.abort();
    } });
    try {
      if (stopped(id)) throw new Error('stopped');
      if (early > 0) await sleep(early, undefined, { signal: waiting.signal });
    } catch {
      running.delete(id);
      stopsHeard.delete(id);
      throw new UnrecoverableError(sentence('err.agent.stopped', { name: options.name }));
    }
    const startLateMs = Math.max(0, Math.round((nowMs() - startAt) * 10) / 10);
    const progress = (p: JobProgress): void => {
      job.updateProgress(p).catch(() => undefined);
    };
    const callbacks = {
      onWindowStart: () => {
        progress({ type: 'window', edge: 'start' });
      },
      onWindowEnd: () => {
        progress({ type: 'window', edge: 'end' });
      },
      ...(data.spec.progress
        ? {
            onProgress: (tick: LoadTick) => {
              progress({ type: 'tick', tick: encodeTick(tick) });
            },
          }
        : {}),
    };
    const measures = (o: ClientCpu) => ({ clientCpuMs: o.clientCpuMs, ...(o.clientLagMs === undefined ? {} : { clientLagMs: o.clientLagMs }), startLateMs, clockOffsetMs: offsetMs });
    try {
      if (data.kind === 'closed') {
        // The spec's own `progress` is the load host's to set again (from the callbacks).
        const load = generator.closed({ ...data.spec, ...callbacks });
        running.set(id, load);
        const o = await load.done;
        return { kind: 'closed', ...measures(o), outcome: encodeClosed({ ...o, timeline: onBrokerClock(o.timeline, offsetMs) }) };
      }
      const load = generator.open({ ...data.spec, ...callbacks });
      running.set(id, load);
      const o = await load.done;
      return { kind: 'open', ...measures(o), outcome: encodeOpen({ ...o, timeline: onBrokerClock(o.timeline, offsetMs) }) };
    } finally {
      running.delete(id);
      stopsHeard.delete(id);
    }
  };

  // Connections handed to BullMQ stay the agent's to close.
  const workerConnection = redis.duplicate();
  workerConnection.on('error', () => undefined);
  const worker = new Worker(queueName(options.name), run, {
    connection: workerConnection,
    prefix: QUEUE_PREFIX,
    concurrency: 1,
    // A job of a dead agent is not run again by anyone: the bench sees the registration expire and fails the trial.
    maxStalledCount: 0,
    lockDuration: 10_000,
  });
  worker.on('error', () => undefined);
  worker.on('failed', (job, error) => {
    if (job !== undefined) options.say(sentence('agent.jobFailed', { id: job.id ?? '?', why: error.message }));
  });
  worker.on('completed', (job) => {
    options.say(sentence('agent.jobDone', { id: job.id ?? '?' }));
  });
  worker.on('active', (job) => {
    options.say(sentence('agent.jobTaken', { id: job.id ?? '?', kind: (job.data as LoadJob).kind }));
  });

  return {
    registration,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(heartbeat);
      await renewing;
      // The registration first (where it is still its own): a bench sees the agent gone before it sends another job.
      await redis.eval(DEL_OWN, 1, key, registration.instance).catch(() => undefined);
      for (const load of running.values()) load.stop();
      await worker.close().catch(() => undefined);
      workerConnection.disconnect();
      // Then its queue (jobs, events): nothing of it stays on the broker.
      await removeQueue(redis, options.name);
      subscriber.disconnect();
      redis.disconnect();
      await generator.close();
    },
  };
}
