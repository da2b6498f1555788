/**
 * A chat room across the processes of a cluster. A process publishes a room's message to a bus and delivers what
 * the bus hands back, its own messages included: every member, whichever process holds it, then sees the room's
 * messages in the one order the bus gave them.
 *
 * Two buses: the cluster's primary (the default: each process sends over its IPC channel, the primary passes every
 * message on to every process, in the order it received them), or Redis pub/sub (--broker redis://HOST:PORT), the
 * way deployments share a room between machines: a channel per room, which Redis delivers to every subscriber in
 * the order it was published.
 */
import { Redis } from 'ioredis';
import type { LocalRooms, RoomBus } from './rooms.js';

/** A room's message on its way through the primary. */
export interface RelayMessage {
  readonly type: 'lab-chat';
  readonly room: string;
  readonly text: string;
}

export function isRelayMessage(message: unknown): message is RelayMessage {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<Record<keyof RelayMessage, unknown>>;
  return m.type === 'lab-chat' && typeof m.room === 'string' && typeof m.text === 'string';
}

/** A cluster process's bus through its primary. */
export function primaryBus(rooms: LocalRooms): RoomBus {
  const onMessage = (message: unknown): void => {
    if (isRelayMessage(message)) rooms.deliver(message.room, message.text);
  };
  process.on('message', onMessage);
  return {
    publish: (room, text) => {
      const message: RelayMessage = { type: 'lab-chat', room, text };
      process.send?.(message);
    },
    close: () => {
      process.off('message', onMessage);
      return Promise.resolve();
    },
  };
}

/** The primary's side: a process's room message goes to every process of the cluster. */
export function relayToAll(message: unknown, processes: readonly { send(message: RelayMessage): unknown }[]): boolean {
  if (!isRelayMessage(message)) return false;
  for (const p of processes) p.send(message);
  return true;
}

const CHANNEL_PREFIX = 'lab:chat:';
/** How long a broker may take to answer at start before the server gives up, in one line. */
export const BROKER_CONNECT_MS = 3000;

/** A Redis client that fails fast while connecting, then retries quietly for as long as the server runs. */
function redisClient(url: string): Redis {
  return new Redis(url, { lazyConnect: true, connectTimeout: BROKER_CONNECT_MS, maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(times * 200, 2000) });
}

/** Checks that a broker answers (PING) within BROKER_CONNECT_MS; rejects with the reason in one line. */
export async function checkBroker(url: string): Promise<void> {
  const client = redisClient(url);
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error: unknown) {
    throw new Error(`cannot reach the broker at ${url}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    client.disconnect();
  }
}

/** A process's bus through Redis pub/sub: one client publishes, another listens to every room's channel. */
export async function redisBus(url: string, rooms: LocalRooms): Promise<RoomBus> {
  const publisher = redisClient(url);
  const subscriber = redisClient(url);
  let warned = false;
  for (const client of [publisher, subscriber]) {
    client.on('error', (error: Error) => {
      if (warned) return;
      warned = true;
      console.error(`[chat] the broker at ${url} failed (${error.message}); retrying`);
    });
    client.on('ready', () => {
      warned = false;
    });
  }
  await Promise.all([publisher.connect(), subscriber.connect()]);
  subscriber.on('pmessage', (_pattern: string, channel: string, text: string) => {
    rooms.deliver(channel.slice(CHANNEL_PREFIX.length), text);
  });
  await subscriber.psubscribe(`${CHANNEL_PREFIX}*`);
  return {
    publish: (room, text) => {
      publisher.publish(`${CHANNEL_PREFIX}${room}`, text).catch(() => undefined); // said once by 'error'
    },
    close: async () => {
      publisher.disconnect();
      subscriber.disconnect();
      await Promise.resolve();
    },
  };
}
