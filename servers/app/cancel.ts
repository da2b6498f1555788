/**
 * A request whose client has left should not go on costing the server. The two interpreters learn it in
 * their own way: the async one from an AbortSignal, the blocking one from a shared memory cell that another
 * thread can set (a pool's main thread) while this one sleeps on it.
 */

/** Thrown into the handler's steps when the client is gone: the answer is never written. */
export class ClientGone extends Error {
  constructor() {
    super('the client left before its answer was ready');
    this.name = 'ClientGone';
  }
}

/** One slot of a shared Int32Array: 0 while the client waits, 1 once it left. */
export interface CancelCell {
  readonly cells: Int32Array;
  readonly index: number;
}

export function isCancelled(cell: CancelCell | undefined): boolean {
  return cell !== undefined && Atomics.load(cell.cells, cell.index) !== 0;
}

/** Marks the client gone and wakes a thread that sleeps on the cell (a blocking wait ends at once). */
export function cancel(cell: CancelCell): void {
  Atomics.store(cell.cells, cell.index, 1);
  Atomics.notify(cell.cells, cell.index);
}

/** How the async interpreter watches a client: a flag read before each step, and a signal for waits. */
export interface ClientWatch {
  readonly gone: boolean;
  /** Aborts when the client leaves; made on first use, since most requests never wait. */
  signal(): AbortSignal;
}
