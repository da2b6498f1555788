import { readFile, realpath } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientGone, type ClientWatch } from './cancel.js';
import { burnCpu } from './cpu-work.js';
import { localSessions, type SessionAccess } from './sessions.js';
import { insideFolder, type Step, type Steps } from './steps.js';

async function perform(step: Step, watch: ClientWatch | undefined, sessions: SessionAccess): Promise<unknown> {
  switch (step.kind) {
    case 'cpu':
      // CPU work still runs on this thread: an event loop does not make computing cheaper.
      return burnCpu(step.iterations);
    case 'wait':
      if (step.ms > 0) {
        try {
          await sleep(step.ms, undefined, watch === undefined ? undefined : { signal: watch.signal() });
        } catch {
          throw new ClientGone(); // only an abort rejects the timer
        }
      }
      return undefined;
    case 'readFile': {
      const real = await realpath(step.path);
      if (!insideFolder(real, await realpath(step.folder))) throw new Error(`${step.path} leads outside its folder`);
      return readFile(real);
    }
    case 'visit':
      return sessions.visit(step.session);
  }
}

/**
 * Runs a handler with waits that yield the thread: other requests progress while this one waits. When the
 * client leaves (`watch`), the next step does not start and a wait ends at once. Sessions are counted in
 * `sessions`, which may be in another process (a cluster's primary, asked over IPC).
 */
export async function runAsync<T>(steps: Steps<T>, watch?: ClientWatch, sessions: SessionAccess = localSessions): Promise<T> {
  let next = steps.next();
  while (next.done !== true) {
    if (watch?.gone === true) throw new ClientGone();
    let result: unknown;
    try {
      result = await perform(next.value, watch, sessions);
    } catch (error: unknown) {
      if (error instanceof ClientGone) throw error;
      next = steps.throw(error);
      continue;
    }
    next = steps.next(result);
  }
  return next.value;
}
