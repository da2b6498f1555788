import { readFileSync, realpathSync } from 'node:fs';
import { ClientGone, isCancelled, type CancelCell } from './cancel.js';
import { burnCpu } from './cpu-work.js';
import { localSessions, type SessionStore } from './sessions.js';
import { insideFolder, type Step, type Steps } from './steps.js';

// A private cell to sleep on when nobody can cancel: Atomics.wait blocks the calling thread without spinning.
const sleepCell: CancelCell = { cells: new Int32Array(new SharedArrayBuffer(4)), index: 0 };

function perform(step: Step, cancel: CancelCell, sessions: SessionStore): unknown {
  switch (step.kind) {
    case 'cpu':
      return burnCpu(step.iterations);
    case 'wait':
      // Sleeps on the request's cell: if the client leaves, the pool's main thread sets it and wakes us.
      if (step.ms > 0 && Atomics.wait(cancel.cells, cancel.index, 0, step.ms) !== 'timed-out') throw new ClientGone();
      return undefined;
    case 'readFile': {
      const real = realpathSync.native(step.path);
      if (!insideFolder(real, realpathSync.native(step.folder))) throw new Error(`${step.path} leads outside its folder`);
      return readFileSync(real);
    }
    case 'visit':
      return sessions.visit(step.session);
  }
}

/**
 * Runs a handler with every step blocking the calling thread: nothing else runs on it meanwhile. Before each
 * step, and during waits, it notices a client that left (when another thread can tell it, through `cancel`).
 * Sessions are counted in `sessions`, which must answer at once (a thread asks its main thread synchronously).
 */
export function runBlocking<T>(steps: Steps<T>, cancel: CancelCell = sleepCell, sessions: SessionStore = localSessions): T {
  let next = steps.next();
  while (next.done !== true) {
    if (isCancelled(cancel)) throw new ClientGone();
    let result: unknown;
    try {
      result = perform(next.value, cancel, sessions);
    } catch (error: unknown) {
      if (error instanceof ClientGone) throw error;
      next = steps.throw(error);
      continue;
    }
    next = steps.next(result);
  }
  return next.value;
}
