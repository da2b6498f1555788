/**
 * WebSocket, one suite for every model of the application (as models.contract.test.ts is for HTTP): the same
 * conversations, the same refusals, and the server still serving afterwards. The baseline stays HTTP only.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_MODELS } from '../../servers/catalogue.js';
import { LIMITS } from '../../servers/limits.js';
import { COUNTDOWN_MAX } from '../../servers/app/ws/routes.js';
import { serveWith, type ServedModel } from '../helpers/serve.js';
import { GOOD_UPGRADE, openSocket as open, rawUpgrade, type TestSocket } from '../helpers/ws.js';
import { rawRequest as get } from '../helpers/http.js';

/**
 * The per-request models hold a thread or a process per connection, up to their bound: the suite gives them room
 * for its three members at once. Sequential holds one connection at a time (ws.models.test.ts shows the line): its
 * room is a room of one, the known difference.
 */
const ROOM: Readonly<Record<string, readonly string[]>> = { 'thread-per-request': ['--threads', '8'], 'process-per-request': ['--processes', '8'] };

describe.each(APP_MODELS)('WebSocket on %s', (model) => {
  let server: ServedModel;
  const opened: TestSocket[] = [];
  beforeAll(async () => {
    server = await serveWith([model, ...(ROOM[model] ?? [])]);
  });
  afterAll(async () => {
    await server.stop();
  });
  // Whatever a test leaves open is closed before the next: a connection held by a failed test would hold its turn.
  afterEach(() => {
    for (const s of opened.splice(0)) s.ws.terminate();
  });
  const openSocket = async (base: string, path: string): Promise<TestSocket> => {
    const s = await open(base, path);
    opened.push(s);
    return s;
  };

  it('echoes each text reversed by code points, on one connection', async () => {
    const echo = await openSocket(server.url, '/ws/echo');
    echo.ws.send('hello');
    expect(await echo.next()).toBe('olleh');
    echo.ws.send('ab🙂');
    expect(await echo.next()).toBe('🙂ba');
    echo.ws.send('');
    expect(await echo.next()).toBe('');
    echo.ws.close(1000);
    expect((await echo.closed).code).toBe(1000);
  });

  it('counts down from 3, one number a second (±100 ms), then closes with 1000', async () => {
    const countdown = await openSocket(server.url, '/ws/countdown?from=3');
    const times: number[] = [];
    const numbers: string[] = [];
    for (let i = 0; i < 4; i++) {
      numbers.push(await countdown.next(3000));
      times.push(performance.now());
    }
    expect(numbers).toEqual(['3', '2', '1', '0']);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    for (const gap of gaps) expect(Math.abs(gap - 1000)).toBeLessThanOrEqual(100);
    const closed = await countdown.closed;
    expect(closed.code).toBe(1000);
  });

  it.skipIf(model === 'sequential')('delivers every chat message to every member of the room, the sender included, and announces joins and leaves', async () => {
    const room = `r${model.replace(/[^a-z]/g, '')}`;
    const alice = await openSocket(server.url, `/ws/chat?room=${room}&name=alice`);
    expect(JSON.parse(await alice.next())).toMatchObject({ type: 'join', member: 'alice' });
    const bob = await openSocket(server.url, `/ws/chat?room=${room}&name=bob`);
    expect(JSON.parse(await bob.next())).toMatchObject({ type: 'join', member: 'bob', via: { model } });
    expect(JSON.parse(await alice.next())).toMatchObject({ type: 'join', member: 'bob' });
    alice.ws.send('one');
    bob.ws.send('two');
    alice.ws.send('three');
    const read = async (s: typeof alice): Promise<string[]> => [await s.next(), await s.next(), await s.next()].map((m) => (JSON.parse(m) as { text: string }).text);
    const seenByAlice = await read(alice);
    const seenByBob = await read(bob);
    // One order for the room, whoever reads it; each sender's own messages in the order it sent them.
    expect(seenByBob).toEqual(seenByAlice);
    expect(seenByAlice.filter((t) => t !== 'two')).toEqual(['one', 'three']);
    // A room is a room: another room hears nothing of it.
    const other = await openSocket(server.url, `/ws/chat?room=${room}x&name=carol`);
    expect(JSON.parse(await other.next())).toMatchObject({ type: 'join', member: 'carol' });
    bob.ws.close();
    expect(JSON.parse(await alice.next())).toEqual({ type: 'leave', member: 'bob' });
    other.ws.close();
    alice.ws.close();
    await Promise.all([alice.closed, other.closed]);
    expect(other.messages).toHaveLength(1);
  });

  it.runIf(model === 'sequential')('holds a room of one: its member gets its own join and its own messages', async () => {
    const only = await openSocket(server.url, '/ws/chat?room=solo&name=ann');
    expect(JSON.parse(await only.next())).toMatchObject({ type: 'join', member: 'ann' });
    only.ws.send('me');
    expect(JSON.parse(await only.next())).toEqual({ type: 'message', from: 'ann', text: 'me' });
    only.ws.close();
    await only.closed;
  });

  it('closes a connection whose message is over the size limit with 1009, and goes on', async () => {
    const echo = await openSocket(server.url, '/ws/echo');
    echo.ws.send('x'.repeat(2 * 1024 * 1024));
    expect((await echo.closed).code).toBe(1009);
    const again = await openSocket(server.url, '/ws/echo');
    again.ws.send(`ok${'y'.repeat(LIMITS.maxWsMessageBytes - 10)}`);
    expect((await again.next()).endsWith('ko')).toBe(true);
    again.ws.close();
  });

  it('refuses a binary message with 1003: the application speaks text', async () => {
    const echo = await openSocket(server.url, '/ws/echo');
    echo.ws.send(Buffer.from([1, 2, 3]));
    expect((await echo.closed).code).toBe(1003);
  });

  it('answers a bad upgrade with JSON: unknown path 404, bad key or method 400, a parameter out of range 400 naming it', async () => {
    const unknown = await rawUpgrade(server.url, '/ws/nothing', GOOD_UPGRADE);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ error: expect.stringContaining('no WebSocket at /ws/nothing') as unknown });
    const badKey = await rawUpgrade(server.url, '/ws/echo', { ...GOOD_UPGRADE, 'Sec-WebSocket-Key': 'not a key' });
    expect(badKey.status).toBe(400);
    expect(JSON.parse(badKey.body)).toEqual({ error: expect.stringContaining('Sec-WebSocket-Key') as unknown });
    const badVersion = await rawUpgrade(server.url, '/ws/echo', { ...GOOD_UPGRADE, 'Sec-WebSocket-Version': '7' });
    expect(badVersion.status).toBe(400);
    const post = await rawUpgrade(server.url, '/ws/echo', GOOD_UPGRADE, 'POST');
    expect(post.status).toBe(400);
    const tooLong = await rawUpgrade(server.url, `/ws/countdown?from=${COUNTDOWN_MAX + 1}`, GOOD_UPGRADE);
    expect(tooLong.status).toBe(400);
    expect(JSON.parse(tooLong.body)).toEqual({ error: `parameter 'from' must be an integer from 0 to ${COUNTDOWN_MAX}, got "${COUNTDOWN_MAX + 1}"` });
    const badRoom = await rawUpgrade(server.url, '/ws/chat?room=a%20b', GOOD_UPGRADE);
    expect(badRoom.status).toBe(400);
    expect(JSON.parse(badRoom.body)).toEqual({ error: expect.stringContaining("parameter 'room'") as unknown });
    expect(badRoom.head.toLowerCase()).toContain(`x-served-by-model: ${model}`);
  });

  it('closes a refused upgrade once its answer is out, and serves a request that asks for another Upgrade (h2c) as plain HTTP', async () => {
    const t0 = performance.now();
    const refused = await rawUpgrade(server.url, '/ws/nothing', GOOD_UPGRADE);
    expect(refused.status).toBe(404);
    expect(performance.now() - t0).toBeLessThan(2000); // closed by the server, not by the helper's 5 s fallback
    const h2c = await rawUpgrade(server.url, '/', { Connection: 'Upgrade, HTTP2-Settings', Upgrade: 'h2c', 'HTTP2-Settings': 'AAMAAABkAARAAAAAAAIAAAAA' });
    expect(h2c.status).toBe(200);
    expect(h2c.body).toBe('Hello, world!\n');
  });

  it('serves the page at /ws/, tells a plain GET on a WebSocket path to upgrade (426), and still answers HTTP', async () => {
    const page = await get(server.url, '/ws/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('new WebSocket(');
    expect(page.body).toContain('/ws/chat?');
    const plain = await get(server.url, '/ws/echo');
    expect(plain.status).toBe(426);
    expect(plain.headers.upgrade).toBe('websocket');
    expect(JSON.parse(plain.body)).toEqual({ error: expect.stringContaining('speaks WebSocket') as unknown });
    const hello = await get(server.url, '/');
    expect(hello.status).toBe(200);
  });
});

describe('the baseline', () => {
  it('stays HTTP only: an upgrade is answered as a plain request', async () => {
    const server = await serveWith(['baseline']);
    try {
      const answer = await rawUpgrade(server.url, '/ws/echo', GOOD_UPGRADE);
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('Hello, world!\n');
    } finally {
      await server.stop();
    }
  });
});
