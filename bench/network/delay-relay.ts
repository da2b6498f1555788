/**
 * --netns --netem-delay / --netem-rate on a kernel without netem: the link shaped in user space instead. A TCP
 * relay in the bench's own process listens on 127.0.0.1 and, for each connection, opens one to the server (over
 * the veth link) and forwards bytes both ways, holding each chunk `delayMs` before writing it on: a constant delay
 * per direction, so a round trip gains 2 × delayMs, as with netem on both ends of the link. With a rate, each
 * direction is one wire shared by every connection, as a link is: a chunk crosses after the chunks before it, at
 * the rate, then the delay runs. Unlike netem's rate, it counts the bytes of the stream only (no TCP/IP headers, no
 * ACKs: small answers cross about a fifth faster than a packet shaper would let them), it passes each read chunk
 * whole (up to 64 KiB: its first byte arrives with its last), and it queues (up to HELD_LIMIT per connection and
 * direction) instead of dropping packets as a full netem queue would.
 *
 * What it is not: netem delays packets, the relay delays bytes. TCP's handshake and acknowledgements are not
 * delayed (each side talks TCP to the relay, nearby), and the relay's CPU is the bench process's: it counts as
 * the client's. The results say which one made the delay (options.network.delayBy).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { sentence } from '../../lib/lang/sentences.js';

export interface DelayRelay {
  /** Where to send the load instead of the server: http://127.0.0.1:<port>. */
  readonly url: string;
  readonly port: number;
  /** Connections open now (each a pair of sockets). */
  connections(): number;
  /** Stops listening and closes every connection, both sides; resolves once every socket is closed. */
  close(): Promise<void>;
}

/**
 * Bytes one direction may hold (in its delay line and in the destination's buffer) before the source is paused:
 * without a bound, a fast sender behind a slow receiver would fill the bench's memory. 1 MiB per 5 ms each way is
 * about 200 MiB/s per connection, more than two shared cores move.
 */
const HELD_LIMIT = 1024 * 1024;

/** One direction of the link: its rate, shared by every connection that crosses it (null: no limit). */
class Wire {
  private busyUntil = 0;

  constructor(private readonly bytesPerMs: number | null) {}

  /** When `bytes` arriving now start and end crossing: once the bytes before them have, then at the wire's rate. */
  crossing(now: number, bytes: number): { readonly start: number; readonly end: number } {
    if (this.bytesPerMs === null) return { start: now, end: now };
    const start = Math.max(now, this.busyUntil);
    this.busyUntil = start + bytes / this.bytesPerMs;
    return { start, end: this.busyUntil };
  }

  /**
   * Gives back the wire's time of chunks dropped before they crossed (a connection torn down with answers still
   * queued, as autocannon does at the end of each trial): the next trial's bytes must not wait behind them.
   */
  refund(now: number, dropped: readonly { readonly start: number; readonly end: number }[]): void {
    const unused = dropped.reduce((sum, c) => sum + Math.max(0, c.end - Math.max(c.start, now)), 0);
    this.busyUntil = Math.max(now, this.busyUntil - unused);
  }
}

/** Bytes per millisecond of a rate in megabits per second (1 Mbit/s = 125 bytes per ms). */
export function bytesPerMs(rateMbit: number): number {
  return rateMbit * 125;
}

/** One direction: bytes from `from`, written to `to` `delayMs` after they crossed the wire, in order; then its end. */
class DelayLine {
  private readonly queue: { readonly due: number; readonly chunk: Buffer | null; readonly start: number; readonly end: number }[] = [];
  private held = 0;
  private timer: NodeJS.Timeout | undefined;
  private waitingDrain = false;
  /** The source sent its end (FIN), and so, later, the destination has it too: nothing more will pass. */
  sourceEnded = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly delayMs: number,
    private readonly wire: Wire,
  ) {
    from.on('data', (chunk: Buffer) => {
      this.push(chunk);
    });
    // Half-close: the source's FIN is passed on after the same delay as its last bytes.
    from.on('end', () => {
      this.sourceEnded = true;
      this.push(null);
    });
    to.on('drain', () => {
      this.waitingDrain = false;
      this.flush();
    });
  }

  private push(chunk: Buffer | null): void {
    const crossing = this.wire.crossing(performance.now(), chunk?.length ?? 0);
    this.queue.push({ due: crossing.end + this.delayMs, chunk, ...crossing });
    this.held += chunk?.length ?? 0;
    this.throttle();
    this.schedule();
  }

  /** The source reads only while this direction holds less than its bound and the destination is not full. */
  private throttle(): void {
    const full = this.waitingDrain || this.held + this.to.writableLength >= HELD_LIMIT;
    if (full && !this.from.isPaused()) this.from.pause();
    else if (!full && this.from.isPaused() && !this.from.destroyed) this.from.resume();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.waitingDrain) return;
    const head = this.queue[0];
    if (head === undefined) return;
    // Timers round to whole milliseconds and may fire a little early: round up, and flush() checks again.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, Math.max(0, Math.ceil(head.due - performance.now())));
  }

  private flush(): void {
    const now = performance.now();
    while (!this.waitingDrain && !this.to.destroyed) {
      const head = this.queue[0];
      if (head === undefined || head.due > now) break;
      this.queue.shift();
      if (head.chunk === null) {
        this.to.end();
        break;
      }
      this.held -= head.chunk.length;
      if (!this.to.write(head.chunk)) this.waitingDrain = true;
    }
    this.throttle();
    this.schedule();
  }

  /** Drops what is held (the connection is being torn down). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.wire.refund(performance.now(), this.queue);
    this.queue.length = 0;
    this.held = 0;
  }
}

/**
 * A relay in front of `host:port` (the server's address on the lab's link), delaying each direction by `delayMs`
 * and, with `rateMbit`, carrying at most that many megabits per second each way.
 */
export async function startDelayRelay(host: string, port: number, delayMs: number, rateMbit?: number): Promise<DelayRelay> {
  const rate = rateMbit === undefined ? null : bytesPerMs(rateMbit);
  const up = new Wire(rate);
  const down = new Wire(rate);
  const pairs = new Set<{ destroy(error?: boolean): void; closed: Promise<void> }>();
  // allowHalfOpen: a FIN from one side is relayed as a FIN, not answered by closing the other way too.
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const upstream = connect({ host, port, allowHalfOpen: true, noDelay: true });
    let done = false;
    const closed = Promise.all([once(client), once(upstream)]).then(() => undefined);
    const pair = {
      closed,
      // An error on one side is passed on as a reset of the other (what the peer would see through a router).
      destroy(error = false): void {
        if (done) return;
        done = true;
        toServer.stop();
        toClient.stop();
        for (const socket of [client, upstream]) {
          if (socket.destroyed) continue;
          try {
            if (error) socket.resetAndDestroy();
            else socket.destroy();
          } catch {
            // resetAndDestroy refuses a socket that is still connecting: a plain destroy then
            socket.destroy();
          }
        }
      },
    };
    pairs.add(pair);
    void closed.then(() => pairs.delete(pair));
    const toServer = new DelayLine(client, upstream, delayMs, up);
    const toClient = new DelayLine(upstream, client, delayMs, down);
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        pair.destroy(true);
      });
      // Both sides sent their FIN: each socket closes by itself once its delayed bytes and FIN are written (a
      // destroy now would drop them). A side that closed otherwise (destroyed, reset) takes the other with it.
      socket.on('close', () => {
        if (!(toServer.sourceEnded && toClient.sourceEnded)) pair.destroy(true);
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(sentence('err.relayAddress'));
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    connections: () => pairs.size,
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => {
        resolve();
      }));
      for (const pair of pairs) pair.destroy();
      await Promise.all([stopped, ...[...pairs].map((p) => p.closed)]);
    },
  };
}

function once(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => {
    resolve();
  }));
}
