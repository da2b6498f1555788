/**
 * The delay relay (bench/delay-relay.ts), alone, in front of local servers: the delay of each direction, bytes
 * intact both ways, half-close, a close on one side closing the other, backpressure, and nothing left after close().
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startDelayRelay, type DelayRelay } from '../../bench/network/delay-relay.js';
import { clientPlacement, placementTag } from '../../reports/views/placement.js';
import type { Results } from '../../results/schema.js';
import { rawRequest } from '../helpers/http.js';
import { eventually } from '../helpers/wait.js';

const teardown: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step();
});

function listen(server: Server | HttpServer): Promise<number> {
  teardown.push(() => new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    if ('closeAllConnections' in server) server.closeAllConnections();
  }));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve(typeof address === 'object' && address !== null ? address.port : 0);
  }));
}

async function relayTo(port: number, delayMs: number): Promise<DelayRelay> {
  const relay = await startDelayRelay('127.0.0.1', port, delayMs);
  teardown.push(() => relay.close());
  return relay;
}

/** A server that echoes every byte, and ends its side once the client ended its own (half-close passed back). */
function echoServer(): { server: Server; sockets: Socket[] } {
  const sockets: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  return { server, sockets };
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

const closed = (socket: Socket): Promise<number> => {
  const t0 = performance.now();
  return new Promise((resolve) => socket.once('close', () => {
    resolve(performance.now() - t0);
  }));
};

const connectionsOf = (server: Server): Promise<number> => new Promise((resolve, reject) => {
  server.getConnections((error, count) => {
    if (error) reject(error);
    else resolve(count);
  });
});

describe('the delay relay', () => {
  it('delays each direction: an HTTP round trip through 20 ms each way takes 40 ms or more, and less than 200 ms', async () => {
    const port = await listen(createHttpServer((_req, res) => res.end('hello')));
    const relay = await relayTo(port, 20);
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const response = await rawRequest(relay.url, '/');
      const ms = performance.now() - t0;
      expect(response.body).toBe('hello');
      expect(ms).toBeGreaterThanOrEqual(40);
      expect(ms).toBeLessThan(200);
    }
  });

  it('passes a 5 MiB body intact both ways, in order, and passes the end on (half-close)', async () => {
    const { server } = echoServer();
    const relay = await relayTo(await listen(server), 5);
    const body = randomBytes(5 * 1024 * 1024);
    const socket = await dial(relay.port);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve) => socket.once('end', () => {
      resolve();
    }));
    // Written in pieces of odd sizes, then half-closed: the echo ends only when our end reached it.
    for (let at = 0; at < body.length; at += 65_537) socket.write(body.subarray(at, at + 65_537));
    socket.end();
    await ended;
    const echoed = Buffer.concat(chunks);
    expect(echoed.length).toBe(body.length);
    expect(createHash('sha256').update(echoed).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
    expect(await eventually(() => relay.connections() === 0)).toBe(true);
  });

  it('closing the client closes the server side, after the delay', async () => {
    const { server, sockets } = echoServer();
    const relay = await relayTo(await listen(server), 20);
    const socket = await dial(relay.port);
    expect(await eventually(() => sockets.length === 1)).toBe(true);
    const [serverSide] = sockets;
    if (serverSide === undefined) throw new Error('no server side');
    const gone = closed(serverSide);
    socket.destroy();
    expect(await gone).toBeGreaterThanOrEqual(15);
    expect(await eventually(async () => (await connectionsOf(server)) === 0 && relay.connections() === 0)).toBe(true);
  });

  it('closing the server side closes the client, and a reset passes on as a reset', async () => {
    const { server, sockets } = echoServer();
    const relay = await relayTo(await listen(server), 5);
    const first = await dial(relay.port);
    expect(await eventually(() => sockets.length === 1)).toBe(true);
    const firstClosed = closed(first);
    sockets[0]?.destroy();
    await firstClosed;

    const second = await dial(relay.port);
    expect(await eventually(() => sockets.length === 2)).toBe(true);
    const error = new Promise<string>((resolve) => second.once('error', (e: NodeJS.ErrnoException) => {
      resolve(e.code ?? e.message);
    }));
    sockets[1]?.resetAndDestroy();
    expect(await error).toBe('ECONNRESET');
    expect(await eventually(() => relay.connections() === 0)).toBe(true);
  });

  it('respects backpressure: a client that does not read stops the server writing, and the relay holds a bounded part', async () => {
    let serverSide: Socket | undefined;
    const server = createServer((socket) => {
      serverSide = socket;
      socket.on('error', () => undefined);
      socket.write(Buffer.alloc(64 * 1024 * 1024));
    });
    const relay = await relayTo(await listen(server), 5);
    const socket = await dial(relay.port);
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Kernel buffers on the way hold some MiB; the rest must still wait in the server, not in the relay.
    expect(serverSide?.writableLength ?? 0).toBeGreaterThan(32 * 1024 * 1024);
    socket.destroy();
  });

  it('leaves no socket behind after close(): neither its own nor the server\'s', async () => {
    const { server } = echoServer();
    const relay = await startDelayRelay('127.0.0.1', await listen(server), 10);
    const sockets = await Promise.all([1, 2, 3].map(() => dial(relay.port)));
    for (const s of sockets) {
      s.on('error', () => undefined);
      // Read what comes back: a socket that never reads never sees the end behind its unread echo (nor closes).
      s.resume();
      s.write('in flight');
    }
    expect(await eventually(async () => (await connectionsOf(server)) === 3)).toBe(true);
    const clientsClosed = Promise.all(sockets.map((s) => closed(s)));
    await relay.close();
    expect(relay.connections()).toBe(0);
    await clientsClosed;
    expect(await eventually(async () => (await connectionsOf(server)) === 0)).toBe(true);
    await expect(dial(relay.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('with a rate, carries no more than that, shared by its connections: 1 MB through 8 Mbit/s (1 MB/s) on two connections takes a second or more', async () => {
    // A sink that counts what it received, and answers with one byte once a connection brought its half.
    const half = 500_000;
    const server = createServer((socket) => {
      let got = 0;
      socket.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got >= half) socket.end('k');
      });
      socket.on('error', () => undefined);
    });
    const port = await listen(server);
    const relay = await startDelayRelay('127.0.0.1', port, 0, 8);
    teardown.push(() => relay.close());
    const t0 = performance.now();
    const send = async (): Promise<void> => {
      const socket = await dial(relay.port);
      const done = new Promise<void>((resolve) => socket.once('end', () => {
        resolve();
      }));
      socket.on('data', () => undefined);
      socket.write(randomBytes(half));
      await done;
      socket.destroy();
    };
    await Promise.all([send(), send()]);
    const seconds = (performance.now() - t0) / 1000;
    // A lower bound only (the wire can be no faster than its schedule); how much slower is the machine's business.
    expect(seconds).toBeGreaterThanOrEqual(0.95);
    expect(seconds).toBeLessThan(20);
  });

  it('with a rate, a connection torn down with bytes still queued gives back their time on the wire', async () => {
    const { server } = echoServer();
    const relay = await startDelayRelay('127.0.0.1', await listen(server), 0, 1); // 125 bytes per ms
    teardown.push(() => relay.close());
    // 200 kB queued on the wire (1.6 s of it), then the connection reset, as autocannon leaves a trial.
    const first = await dial(relay.port);
    first.on('error', () => undefined);
    first.write(randomBytes(200_000));
    await new Promise((resolve) => setTimeout(resolve, 100));
    first.resetAndDestroy();
    expect(await eventually(() => relay.connections() === 0)).toBe(true);
    // A new connection's 100 bytes cross in about 2 ms each way, not behind the 1.5 s the dropped bytes had left.
    const second = await dial(relay.port);
    const t0 = performance.now();
    const echoed = new Promise<void>((resolve) => second.once('data', () => {
      resolve();
    }));
    second.write(Buffer.alloc(100, 1));
    await echoed;
    expect(performance.now() - t0).toBeLessThan(800);
    second.destroy();
  });

  it('a refused server closes the client at once', async () => {
    // A port that was free a moment ago, and that nothing listens on now.
    const probe = createServer();
    const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    }));
    await new Promise((resolve) => probe.close(resolve));
    const relay = await relayTo(port, 5);
    const socket = await dial(relay.port);
    socket.on('error', () => undefined);
    await closed(socket);
    expect(await eventually(() => relay.connections() === 0)).toBe(true);
  });
});

describe('the run page says who added the delay', () => {
  const withNetwork = (network: NonNullable<Results['options']['network']>): Results => ({ options: { network } }) as unknown as Results;
  it.each([
    [{ namespaces: true as const, delayMs: 5, delayBy: 'relay' as const }, "a namespace link with 5 ms each way (added by the lab's relay in the bench process: its CPU counts as the client's)", 'netns +5 ms (relay)'],
    [{ namespaces: true as const, delayMs: 5, delayBy: 'netem' as const }, 'a namespace link with 5 ms each way (tc netem)', 'netns +5 ms'],
    [{ namespaces: true as const, delayMs: 5 }, 'a namespace link with 5 ms each way (tc netem)', 'netns +5 ms'],
    [{ namespaces: true as const, delayMs: 0, rateMbit: 10, delayBy: 'relay' as const }, "a namespace link with 10 Mbit/s each way (added by the lab's relay", 'netns 10 Mbit/s (relay)'],
    [{ namespaces: true as const, delayMs: 5, rateMbit: 2.5, delayBy: 'netem' as const }, 'a namespace link with 5 ms and 2.5 Mbit/s each way (tc netem), 10 ms per round trip', 'netns +5 ms 2.5 Mbit/s'],
  ])('%j', (network, sentence, tag) => {
    expect(clientPlacement(withNetwork(network))).toContain(sentence);
    expect(placementTag(withNetwork(network))).toBe(tag);
  });
});
