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
import { hostname, availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { messageOf } from '../../lib/errors.js';
import { sentence } from '../../lib/lang/sentences.js';
import { encodeHistogram } from '../load/load-messages.js';
import { startLoadGenerator, type LoadGenerator } from '../load/load-host.js';
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

/** Origins this agent has found to be lab servers (asked once each). */
const labServers = new Set<string>();

/** Loopback, the lab's own veth address, or a server whose /health says it is one of the lab's models. */
async function assertAgentTarget(url: string): Promise<void> {
  const origin = new URL(url).origin;
  try {
    assertLoadTarget(url);
    return;
  } catch {
    // not loopback: it must be a lab server
  }
  if (labServers.has(origin)) return;
  try {
    const answer = await getAnswer(`${origin}/health`, { totalMs: 3000, maxBytes: 64 * 1024 });
    checkHealth(origin, JSON.parse(answer.body) as unknown);
  } catch (error: unknown) {
    throw new Error(sentence('err.agent.notLab', { origin, why: messageOf(error).slice(0, 200) }));
  }
  labServers.add(origin);
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

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const redis = await connectBroker(options.broker, { retry: true });
  const broker = shownBroker(options.broker);
  const offset = await clockOffsetMs(redis);
  const registration: Registration = {
    name: options.name,
    host: hostname(),
    pid: process.pid,
    cores: options.cpus === undefined ? availableParallelism() : Math.max(1, coresOf(options.cpus).length),
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
    generator = await startLoadGenerator(options.cpus === undefined ? {} : { cpus: options.cpus });
  } catch (error: unknown) {
    await redis.del(key);
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
    await redis.set(key, JSON.stringify(fresh), 'PX', REGISTRATION_TTL_MS);
  };
  const heartbeat = setInterval(() => {
    renew().catch(() => undefined);
  }, HEARTBEAT_MS);

  const running = new Map<string, { stop(): void }>();
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined);
  await subscriber.subscribe(stopChannel(options.name));
  subscriber.on('message', (_channel: string, jobId: string) => {
    running.get(jobId)?.stop();
  });

  const run = async (job: Job): Promise<JobResult> => {
    const parsed = LoadJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(sentence('err.agent.badJob', { name: options.name }));
    const data = job.data as LoadJob;
    await assertAgentTarget(data.spec.url);
    const { offsetMs } = await clockOffsetMs(redis, 3);
    const startAt = data.startAtMs + offsetMs;
    const early = startAt - nowMs();
    if (-early > data.slackMs) throw new UnrecoverableError(sentence('err.agent.late', { name: options.name, ms: Math.round(-early) }));
    if (early > 0) await sleep(early);
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
            onProgress: (tick: Parameters<NonNullable<Parameters<LoadGenerator['closed']>[0]['onProgress']>>[0]) => {
              progress({ type: 'tick', tick: { elapsedSeconds: tick.elapsedSeconds, intervalSeconds: tick.intervalSeconds, stage: tick.stage, responses: tick.responses, errors: tick.errors, histogram: encodeHistogram(tick.histogram) } });
            },
          }
        : {}),
    };
    const id = job.id ?? '';
    const measures = { startLateMs, clockOffsetMs: offsetMs };
    if (data.kind === 'closed') {
      // The spec's own `progress` is the load host's to set again (from the callbacks).
      const load = generator.closed({ ...data.spec, ...callbacks });
      running.set(id, load);
      try {
        const o = await load.done;
        const { clientCpuMs, clientLagMs, ...outcome } = o;
        return { kind: 'closed', clientCpuMs, ...(clientLagMs === undefined ? {} : { clientLagMs }), ...measures, outcome: { ...outcome, histogram: encodeHistogram(o.histogram), servedBy: [...o.servedBy], timeline: onBrokerClock(o.timeline, offsetMs) } };
      } finally {
        running.delete(id);
      }
    }
    const load = generator.open({ ...data.spec, ...callbacks });
    running.set(id, load);
    try {
      const o = await load.done;
      const { clientCpuMs, clientLagMs, ...outcome } = o;
      return {
        kind: 'open',
        clientCpuMs,
        ...(clientLagMs === undefined ? {} : { clientLagMs }),
        ...measures,
        outcome: { ...outcome, histogram: encodeHistogram(o.histogram), uncorrected: encodeHistogram(o.uncorrected), lateness: encodeHistogram(o.lateness), servedBy: [...o.servedBy], timeline: onBrokerClock(o.timeline, offsetMs) },
      };
    } finally {
      running.delete(id);
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
      for (const load of running.values()) load.stop();
      await worker.close().catch(() => undefined);
      workerConnection.disconnect();
      // The agent's keys go with it: its queue (jobs, events) and its registration.
      await removeQueue(redis, options.name);
      await redis.del(key).catch(() => undefined);
      subscriber.disconnect();
      redis.disconnect();
      await generator.close();
    },
  };
}
