import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ServedBy } from '../app/types.js';
import { answerBlocking } from '../app/answer.js';
import { splitTarget } from '../app/handler.js';
import { toAppRequest, writeRefusal, writeResponse } from '../http-adapter.js';
import { createLabServer, LIMITS, type Departure } from '../limits.js';
import type { LabServer } from '../listen.js';
import type { TlsMaterial } from '../model-types.js';

/** A request waiting for a thread or process of its own. */
export interface Start {
  readonly departure: Departure;
  /** Its connection (the request's socket: a pipelined answer gets its socket only when its turn comes). */
  readonly connection: Socket;
  /** Where its answer goes: its connection's next request joins the line once this answer is out (none: a WebSocket). */
  readonly res?: ServerResponse;
  /** Starts its thread or process; resolves once that has ended (its place in the bound is free again). */
  run(): Promise<void>;
  /** Answers without starting anything (503): it waited in line past its deadline. */
  refuse(why: string): void;
}

/**
 * The bound on live threads or processes of the per-request models: at most `limit` run at once, the next
 * requests wait in line (first come, first served) in the main process. Without it, 256 clients would start
 * 256 processes at once and the machine would spend its time switching between them, or run out of memory.
 *
 * One request per connection is in line at a time: HTTP/1.1 sends a connection's answers in order anyway, so a
 * pipelined request joins the line once the answer before it has gone out (or its client left). A client that
 * pipelines large requests and never reads its answers then holds one thread or process, not four, and the
 * line stays short for everyone else. A request whose client left while it waited is dropped when its turn
 * comes: it never starts anything.
 */
export class StartLine {
  private readonly waiting: Start[] = [];
  /** The deadline of each request in line: past LIMITS.maxLineWaitMs it is refused, not left to Node.js's reset. */
  private readonly deadlines = new Map<Start, NodeJS.Timeout>();
  /** Requests held back behind an earlier one of their connection, per connection with one in line. */
  private readonly heldBack = new WeakMap<object, Start[]>();
  private live = 0;
  private closed = false;

  /** `what`: a thread or a process (or a sequential server's one turn), in the words of a refusal. */
  constructor(private readonly limit: number, private readonly what: 'thread' | 'process' | 'turn', private readonly maxWaitMs: number = LIMITS.maxLineWaitMs) {}

  add(start: Start): void {
    if (this.closed) return;
    const { connection } = start;
    const held = this.heldBack.get(connection);
    if (held !== undefined) {
      held.push(start);
      return;
    }
    this.heldBack.set(connection, []);
    this.enter(start, connection);
  }

  /** Starts nothing more; what waits is forgotten (its connections are being closed). */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
    for (const timer of this.deadlines.values()) clearTimeout(timer);
    this.deadlines.clear();
  }

  private enter(start: Start, connection: object): void {
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const next = this.heldBack.get(connection)?.shift();
      if (next === undefined) this.heldBack.delete(connection);
      else this.enter(next, connection);
    };
    // The answer is out (written to the socket, taken by the client), or nobody is left to take it.
    start.res?.once('finish', release);
    start.departure.onLeave(release);
    this.waiting.push(start);
    this.deadlines.set(start, setTimeout(() => {
      this.deadlines.delete(start);
      const at = this.waiting.indexOf(start);
      if (at === -1) return;
      this.waiting.splice(at, 1);
      if (!start.departure.gone) start.refuse(`server busy: waited ${this.maxWaitMs / 1000} s in line for a ${this.what} of its own`);
    }, this.maxWaitMs));
    this.next();
  }

  private next(): void {
    while (!this.closed && this.live < this.limit) {
      const start = this.waiting.shift();
      if (start === undefined) return;
      clearTimeout(this.deadlines.get(start));
      this.deadlines.delete(start);
      if (start.departure.gone) continue;
      this.live += 1;
      // A run that fails still frees its place (its own failure is told where it happened).
      void start.run().catch(() => undefined).finally(() => {
        this.live -= 1;
        this.next();
      });
    }
  }
}

/**
 * The server of a per-request model: each request waits its turn in `line`, then `run` starts the thread or
 * process that serves it (and resolves once that has ended); refusals answer as every model's do.
 */
export function lineServer(line: StartLine, servedBy: ServedBy, tls: TlsMaterial | null, run: (req: IncomingMessage, res: ServerResponse, departure: Departure) => Promise<void>): LabServer {
  return createLabServer(
    (req, res, departure) => {
      // Readiness is the accepting process's to say: /health never waits behind a burst of slow requests
      // (the bench's own checks would time out with it). It is the application's answer, from this process.
      if (splitTarget(req.url ?? '/').path === '/health') {
        writeResponse(req, res, answerBlocking(toAppRequest(req, servedBy)));
        return;
      }
      line.add({
        departure,
        connection: req.socket,
        res,
        run: () => run(req, res, departure),
        refuse: (why) => {
          writeRefusal(req, res, servedBy, why);
        },
      });
    },
    (req, res, why) => {
      writeRefusal(req, res, servedBy, why);
    },
    tls,
  );
}
