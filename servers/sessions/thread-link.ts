import { MessageChannel, parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { isVisit, type SessionStore, type Visit } from '../app/sessions.js';

/**
 * `--sessions shared` for models whose requests run on other threads (worker-pool, thread-per-request): the
 * main thread keeps the one store, and a thread that counts a visit asks it. The thread runs the blocking
 * interpreter, so it asks synchronously: it posts the question on its own MessagePort, sleeps on a shared cell
 * (Atomics.wait) until the main thread has posted the answer, then reads it with receiveMessageOnPort. The main
 * thread never blocks, so it can answer while the asking thread sleeps.
 */

/** What a thread sends once, on its parent port, to link itself to the main thread's store. */
interface SessionLinkOffer {
  readonly type: 'lab-sessions-link';
  readonly port: MessagePort;
  readonly cell: SharedArrayBuffer;
}

/** How long a thread waits for the main thread before the request fails (500): the main thread never blocks. */
const ANSWER_TIMEOUT_MS = 5000;

function isSessionLinkOffer(message: unknown): message is SessionLinkOffer {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<Record<keyof SessionLinkOffer, unknown>>;
  return m.type === 'lab-sessions-link' && typeof m.port === 'object' && m.cell instanceof SharedArrayBuffer;
}

/**
 * Main thread: if `message` (from a thread) offers a link, answers that thread's questions from `store` and
 * returns true; any other message is left to the caller.
 */
export function acceptSessionLink(message: unknown, store: SessionStore): boolean {
  if (!isSessionLinkOffer(message)) return false;
  const { port } = message;
  const cell = new Int32Array(message.cell);
  port.on('message', (question: unknown) => {
    const session = typeof question === 'object' && question !== null ? (question as { session?: unknown }).session : undefined;
    port.postMessage(store.visit(typeof session === 'string' ? session : null));
    Atomics.store(cell, 0, 1);
    Atomics.notify(cell, 0);
  });
  // The port must not keep the server alive: it closes when its thread ends.
  port.unref();
  return true;
}

/** A thread's link to the main thread's store: made on the first visit, closed when the thread is done. */
export class MainThreadSessions implements SessionStore {
  private link: { readonly port: MessagePort; readonly cell: Int32Array } | undefined;

  visit(session: string | null): Visit {
    const { port, cell } = this.connect();
    Atomics.store(cell, 0, 0);
    port.postMessage({ session });
    if (Atomics.wait(cell, 0, 0, ANSWER_TIMEOUT_MS) === 'timed-out') throw new Error('the main thread did not answer a session visit');
    const answer: unknown = receiveMessageOnPort(port)?.message;
    if (!isVisit(answer)) throw new Error('the main thread answered a session visit with something else than a visit');
    return answer;
  }

  /** Lets the thread end: an open port would keep it alive. */
  close(): void {
    this.link?.port.close();
    this.link = undefined;
  }

  private connect(): { readonly port: MessagePort; readonly cell: Int32Array } {
    if (this.link !== undefined) return this.link;
    if (parentPort === null) throw new Error('shared sessions through the main thread need a worker thread');
    const { port1, port2 } = new MessageChannel();
    const cell = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const offer: SessionLinkOffer = { type: 'lab-sessions-link', port: port2, cell };
    parentPort.postMessage(offer, [port2]);
    this.link = { port: port1, cell: new Int32Array(cell) };
    return this.link;
  }
}
