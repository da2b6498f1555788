/**
 * Ping/pong: a peer that vanished without closing (a laptop shut, a cable pulled) leaves its connection open on the
 * server for ever, holding its buffers and, in a per-connection model, a thread or a process. Every interval each
 * connection is pinged; one that did not answer the previous ping by then is closed.
 */
import { LIMITS } from '../limits.js';

/** What the heartbeat needs of a connection (ws's WebSocket has it). */
export interface Pingable {
  /** Paused by its own inbox (it sends faster than it is served): its pongs wait unread, it is not dead. */
  readonly isPaused: boolean;
  ping(): void;
  terminate(): void;
  on(event: 'pong', listener: () => void): unknown;
  once(event: 'close', listener: () => void): unknown;
}

export class Heartbeat {
  private readonly answered = new Map<Pingable, boolean>();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number = LIMITS.wsPingIntervalMs) {
    this.timer = setInterval(() => {
      this.beat();
    }, intervalMs);
    this.timer.unref();
  }

  add(ws: Pingable): void {
    this.answered.set(ws, true);
    ws.on('pong', () => {
      if (this.answered.has(ws)) this.answered.set(ws, true);
    });
    ws.once('close', () => {
      this.answered.delete(ws);
    });
  }

  /** Connections watched now. */
  get size(): number {
    return this.answered.size;
  }

  private beat(): void {
    for (const [ws, answered] of this.answered) {
      if (!answered && !ws.isPaused) {
        this.answered.delete(ws);
        ws.terminate();
        continue;
      }
      this.answered.set(ws, false);
      ws.ping();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
