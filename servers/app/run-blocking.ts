import { readFileSync } from 'node:fs';
import { burnCpu } from './cpu-work.js';
import type { Step, Steps } from './steps.js';

// One shared cell to sleep on: Atomics.wait blocks the calling thread without spinning.
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function perform(step: Step): unknown {
  switch (step.kind) {
    case 'cpu':
      return burnCpu(step.iterations);
    case 'wait':
      if (step.ms > 0) Atomics.wait(sleepCell, 0, 0, step.ms);
      return undefined;
    case 'readFile':
      return readFileSync(step.path);
  }
}

/** Runs a handler with every step blocking the calling thread: nothing else runs on it meanwhile. */
export function runBlocking<T>(steps: Steps<T>): T {
  let next = steps.next();
  while (next.done !== true) {
    let result: unknown;
    try {
      result = perform(next.value);
    } catch (error: unknown) {
      next = steps.throw(error);
      continue;
    }
    next = steps.next(result);
  }
  return next.value;
}
