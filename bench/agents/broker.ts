/**
 * What the bench and its load agents share on the broker (Redis): where an agent registers, which queue its loads
 * come from, where a stop is said, and how far each clock is from the broker's. An agent's registration is a key that
 * lives as long as the agent keeps renewing it, so a dead agent (killed, unplugged) vanishes from the broker within
 * REGISTRATION_TTL_MS, without anyone cleaning up after it.
 */
import { Redis } from 'ioredis';
import { z } from 'zod';
import { sentence } from '../../lib/lang/sentences.js';
import { shownBroker } from '../../lib/broker-url.js';

/** BullMQ's prefix for the agents' queues: every key of the lab's on the broker starts with `lab`. */
export const QUEUE_PREFIX = 'labq';
const REGISTRATION_PREFIX = 'lab:agent:';
/** An agent renews its registration this often, and it expires after this long without renewal. */
export const HEARTBEAT_MS = 1000;
export const REGISTRATION_TTL_MS = 3000;
/** An agent's name: what BullMQ's queue name and a Redis key can hold, and a reader can say. */
export const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/;

export const registrationKey = (name: string): string => `${REGISTRATION_PREFIX}${name}`;
export const queueName = (name: string): string => `agent-${name}`;
/** The channel an agent hears "stop this job" on (a pub/sub channel holds no key). */
export const stopChannel = (name: string): string => `${REGISTRATION_PREFIX}${name}:stop`;

/** What an agent says of itself when it registers (and renews). */
export const RegistrationSchema = z.object({
  name: z.string().regex(AGENT_NAME),
  host: z.string().min(1).max(255),
  /** This machine's id (/etc/machine-id): the bench's own agents are told from others' by it, not by the host name. */
  machine: z.string().min(1).max(64),
  pid: z.number().int().positive(),
  /** Load processes it runs (one per core it may use, at most 16): its weight in the split. */
  cores: z.number().int().positive().max(4096),
  node: z.string().max(40),
  /** Its clock minus the broker's (Redis TIME), in ms. */
  clockOffsetMs: z.number().min(-86_400_000).max(86_400_000),
  /** A number drawn at the agent's start: two agents that take the same name are told apart. */
  instance: z.string().max(40),
});
export type Registration = z.infer<typeof RegistrationSchema>;

/**
 * A connection to the broker, ready, or one line saying why not within `timeoutMs`. `retry`: an agent's connection
 * keeps trying when the broker goes away later (it says so), the bench's gives up (a run cannot wait for a broker).
 */
export async function connectBroker(url: string, options: { readonly timeoutMs?: number; readonly retry?: boolean; readonly commandTimeoutMs?: number } = {}): Promise<Redis> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const redis = new Redis(url, {
    lazyConnect: true,
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeout: options.commandTimeoutMs }),
    connectTimeout: timeoutMs,
    // BullMQ's workers need commands to wait for a reconnection rather than fail (its documented setting).
    maxRetriesPerRequest: null,
    retryStrategy: (times) => (options.retry === true ? Math.min(2000, 100 * times) : null),
  });
  // Errors are told by the commands that meet them; an unheard 'error' event would end the process. The last one is
  // kept: a broker that refuses the password closes the connection, and only the error says why.
  let lastError = '';
  redis.on('error', (error: Error) => {
    lastError = error.message;
  });
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => setTimeout(() => {
        reject(new Error('timeout'));
      }, timeoutMs).unref()),
    ]);
    await redis.ping();
    return redis;
  } catch (error: unknown) {
    redis.disconnect();
    const why = error instanceof Error ? error.message : String(error);
    if (/WRONGPASS|NOAUTH|invalid password|AUTH/i.test(`${lastError} ${why}`)) throw new Error(sentence('err.broker.auth', { url: shownBroker(url), why: (/WRONGPASS|NOAUTH/.test(lastError) ? lastError : why).slice(0, 200) }));
    throw new Error(sentence('err.broker.unreachable', { url: shownBroker(url), why: why === '' ? 'no answer' : why.slice(0, 200) }));
  }
}

/**
 * This machine's clock minus the broker's, in ms: Redis TIME asked several times, the answer of the fastest round
 * trip taken as read at its middle (the error is at most half that round trip).
 */
export async function clockOffsetMs(redis: Redis, samples = 7): Promise<{ readonly offsetMs: number; readonly roundTripMs: number }> {
  let best = { offsetMs: 0, roundTripMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < samples; i += 1) {
    const t0 = nowMs();
    const [seconds, micros] = await redis.time();
    const roundTripMs = nowMs() - t0;
    const broker = Number(seconds) * 1000 + Number(micros) / 1000;
    if (roundTripMs < best.roundTripMs) best = { offsetMs: t0 + roundTripMs / 2 - broker, roundTripMs };
  }
  return { offsetMs: Math.round(best.offsetMs * 10) / 10, roundTripMs: Math.round(best.roundTripMs * 100) / 100 };
}

/** This machine's wall clock to a fraction of a ms (Date.now() is whole ms). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The agents registered now (each read once; one gone between the scan and the read is not listed). */
export async function registeredAgents(redis: Redis): Promise<Registration[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${REGISTRATION_PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...found.filter((k) => !k.endsWith(':stop')));
  } while (cursor !== '0');
  const values = keys.length === 0 ? [] : await redis.mget(...keys);
  return values.flatMap((v) => {
    if (v === null) return [];
    try {
      const parsed = RegistrationSchema.safeParse(JSON.parse(v));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  }).sort((a, b) => a.name.localeCompare(b.name));
}
