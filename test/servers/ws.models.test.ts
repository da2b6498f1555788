/**
 * Each model keeps its nature with a held connection: sequential serves one at a time, the per-connection models
 * one per thread or process up to their bound, a cluster's room spans its processes (through the primary, or
 * Redis with --broker), and a member that never reads is dropped while the others go on receiving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWith, type ServedModel } from '../helpers/serve.js';
import WebSocket from 'ws';
import { openSocket, wsUrlOf, type TestSocket } from '../helpers/ws.js';
import { rawRequest } from '../helpers/http.js';
import { redisSkipReason, startRedis, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';

/** Waits `ms` without holding anything. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('sequential', () => {
  let server: ServedModel;
  beforeAll(async () => {
    server = await serveWith(['sequential']);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('serves one WebSocket at a time: a second connection gets its first answer only after the first closes', async () => {
    const first = await openSocket(server.url, '/ws/echo');
    first.ws.send('first');
    expect(await first.next()).toBe('tsrif');
    const secondOpening = openSocket(server.url, '/ws/echo');
    const answered: { at: number | null } = { at: null };
    void secondOpening.then(async (second) => {
      second.ws.send('second');
      await second.next(15_000);
      answered.at = performance.now();
    });
    await sleep(1500);
    // The first still talks while the second waits in line, its handshake not even answered.
    first.ws.send('still');
    expect(await first.next()).toBe('llits');
    expect(answered.at).toBeNull();
    first.ws.close();
    const closedAt = (await first.closed).at;
    expect(await eventually(() => answered.at !== null, 5000)).toBe(true);
    expect(answered.at ?? 0).toBeGreaterThan(closedAt);
    const second = await secondOpening;
    second.ws.close();
  });

  it('still answers HTTP while a WebSocket holds its turn', async () => {
    const held = await openSocket(server.url, '/ws/echo');
    const answer = await rawRequest(server.url, '/health');
    expect(answer.status).toBe(200);
    held.ws.close();
    await held.closed;
  });
});

describe('thread-per-request --threads 1', () => {
  it('gives each connection a thread of its own: a second connection waits until the first thread is free', async () => {
    const server = await serveWith(['thread-per-request', '--threads', '1']);
    try {
      const first = await openSocket(server.url, '/ws/chat?room=t&name=first');
      const join = JSON.parse(await first.next()) as { via: { threadId: number } };
      expect(join.via.threadId).toBeGreaterThan(0); // its own worker thread, not the main thread (0)
      let opened = false;
      const second = openSocket(server.url, '/ws/echo').then((s) => {
        opened = true;
        return s;
      });
      await sleep(1000);
      expect(opened).toBe(false);
      first.ws.close();
      const s = await second;
      s.ws.send('abc');
      expect(await s.next()).toBe('cba');
      s.ws.close();
    } finally {
      await server.stop();
    }
  });
});

/** A room of `members` on a server; one of them publishes `messages`; every member's messages are returned. */
async function roomOf(url: string, room: string, members: number, messages: number): Promise<{ sockets: TestSocket[]; texts: string[][] }> {
  const sockets: TestSocket[] = [];
  for (let i = 0; i < members; i++) {
    const s = await openSocket(url, `/ws/chat?room=${room}&name=m${i}`);
    // Its own join has come back: it is in the room, wherever the process that holds it is.
    expect(await eventually(() => s.messages.some((m) => m.includes(`"member":"m${i}"`)), 5000)).toBe(true);
    sockets.push(s);
  }
  const publisher = sockets[0];
  if (publisher === undefined) throw new Error('no member');
  for (let k = 0; k < messages; k++) publisher.ws.send(`msg ${k}`);
  const textsOf = (s: TestSocket): string[] => s.messages.map((m) => JSON.parse(m) as { type: string; text?: string }).filter((e) => e.type === 'message').map((e) => e.text ?? '');
  await eventually(() => sockets.every((s) => textsOf(s).length >= messages), 10_000);
  await sleep(200); // a duplicate would come now
  const texts = sockets.map(textsOf);
  for (const s of sockets) s.ws.close();
  return { sockets, texts };
}

describe('cluster --processes 2: a chat room spans the processes', () => {
  it('through the primary: 20 members, every message to all 20, none lost, none twice, in one order', async () => {
    const server = await serveWith(['cluster', '--processes', '2']);
    try {
      const { sockets, texts } = await roomOf(server.url, 'relay', 20, 50);
      const pids = new Set(sockets.map((s) => (JSON.parse(s.messages[0] ?? '{}') as { via?: { pid?: number } }).via?.pid));
      expect(pids.size).toBe(2); // the members really are on both processes
      const expected = Array.from({ length: 50 }, (_, k) => `msg ${k}`);
      for (const t of texts) expect(t).toEqual(expected);
    } finally {
      await server.stop();
    }
  });

  const skip = redisSkipReason();
  describe.skipIf(skip !== null)(`with --broker redis://…${skip === null ? '' : ` (skipped: ${skip})`}`, () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis.stop();
    });

    it('through Redis pub/sub: 20 members, every message to all 20, none lost, none twice', async () => {
      const server = await serveWith(['cluster', '--processes', '2', '--broker', redis.url]);
      try {
        const { sockets, texts } = await roomOf(server.url, 'redis', 20, 50);
        const pids = new Set(sockets.map((s) => (JSON.parse(s.messages[0] ?? '{}') as { via?: { pid?: number } }).via?.pid));
        expect(pids.size).toBe(2);
        const expected = Array.from({ length: 50 }, (_, k) => `msg ${k}`);
        for (const t of texts) expect(t).toEqual(expected);
      } finally {
        await server.stop();
      }
    });

    it('refuses to start, in one line, when the broker does not answer', async () => {
      await expect(serveWith(['cluster', '--processes', '2', '--broker', 'redis://127.0.0.1:1'], 10_000)).rejects.toThrow(/cannot reach the broker at redis:\/\/127\.0\.0\.1:1/);
    });
  });
});

/** A member that keeps counts, not messages (300 messages of 32 KiB to 45 members would be 440 MB of test memory). */
async function countingMember(url: string, room: string, name: string): Promise<{ ws: WebSocket; counts: { messages: number; leaves: number } }> {
  const ws = new WebSocket(wsUrlOf(url, `/ws/chat?room=${room}&name=${name}`), { perMessageDeflate: false });
  const counts = { messages: 0, leaves: 0 };
  ws.on('message', (data) => {
    const head = (Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer)).subarray(0, 20).toString('utf8');
    if (head.startsWith('{"type":"message"')) counts.messages += 1;
    else if (head.startsWith('{"type":"leave"')) counts.leaves += 1;
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      resolve();
    });
    ws.once('error', reject);
  });
  return { ws, counts };
}

describe('event-loop: 50 members, 5 of which never read', () => {
  it('drops the 5 once their unread bytes pass the limit, while the 45 others receive every message; memory stays bounded', async () => {
    const server = await serveWith(['event-loop']);
    try {
      const members = [];
      for (let i = 0; i < 50; i++) members.push(await countingMember(server.url, 'slow', `m${i}`));
      const deaf = members.slice(45);
      for (const m of deaf) m.ws.pause(); // never reads again: the kernel's buffers fill, then the server's
      const readers = members.slice(0, 45);
      const publisher = readers[0];
      if (publisher === undefined) throw new Error('no publisher');
      // 300 messages of 32 KiB: 9.6 MB to each member, more than the kernel buffers of a member that never reads.
      const body = 'x'.repeat(32 * 1024);
      let peak = 0;
      const usage = async (): Promise<number> => (JSON.parse((await rawRequest(server.url, '/lab/usage')).body) as { rssBytes: number }).rssBytes;
      for (let k = 0; k < 300; k++) {
        publisher.ws.send(`${k} ${body}`);
        if (k % 50 === 0) peak = Math.max(peak, await usage());
        if (k % 10 === 0) await sleep(5);
      }
      expect(await eventually(() => readers.every((m) => m.counts.messages === 300), 30_000)).toBe(true);
      peak = Math.max(peak, await usage());
      // Each reader saw the 5 deaf members leave: the server dropped them.
      expect(await eventually(() => readers.every((m) => m.counts.leaves === 5), 10_000)).toBe(true);
      expect(deaf.every((m) => m.counts.messages < 300)).toBe(true);
      // Bounded: the server's own buffers for a member that does not read stop at 1 MiB; a reader's copy is in the kernel.
      expect(peak).toBeLessThan(400 * 1024 * 1024);
      for (const m of members) m.ws.terminate();
    } finally {
      await server.stop();
    }
  }, 90_000);
});
