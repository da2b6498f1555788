import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { burnCpu } from './cpu-work.js';
import type { Step, Steps } from './steps.js';

async function perform(step: Step): Promise<unknown> {
  switch (step.kind) {
    case 'cpu':
      // CPU work still runs on this thread: an event loop does not make computing cheaper.
      return burnCpu(step.iterations);
    case 'wait':
      if (step.ms > 0) await sleep(step.ms);
      return undefined;
    case 'readFile':
      return readFile(step.path);
  }
}

/** Runs a handler with waits that yield the thread: other requests progress while this one waits. */
export async function runAsync<T>(steps: Steps<T>): Promise<T> {
  let next = steps.next();
  while (next.done !== true) {
    let result: unknown;
    try {
      result = await perform(next.value);
    } catch (error: unknown) {
      next = steps.throw(error);
      continue;
    }
    next = steps.next(result);
  }
  return next.value;
}
