/**
 * The hub's side of its intake thread (hub/intake-worker.ts): uploads go there to be read, validated and summarised,
 * so that a 16 MB file costs the hub's event loop the time to hand it over, not the time to read it. A thread that
 * dies fails the uploads it held and is started again for the next.
 */
import { Worker } from 'node:worker_threads';
import type { IntakeOutcome } from './intake.js';

export interface IntakeThread {
  run(text: string): Promise<IntakeOutcome>;
  close(): Promise<void>;
}

export function startIntakeThread(): IntakeThread {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, (outcome: IntakeOutcome) => void>();
  const start = (): Worker => {
    const w = new Worker(new URL('./intake-worker.js', import.meta.url));
    w.on('message', (message: { id: number; outcome: IntakeOutcome }) => {
      pending.get(message.id)?.(message.outcome);
      pending.delete(message.id);
    });
    w.on('error', () => undefined); // 'exit' follows
    w.once('exit', () => {
      if (worker === w) worker = null;
      for (const settle of pending.values()) settle({ error: 'the hub could not read this upload (its reader stopped); send it again' });
      pending.clear();
    });
    return w;
  };
  return {
    run(text) {
      worker ??= start();
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        worker?.postMessage({ id, text });
      });
    },
    async close() {
      await worker?.terminate();
      worker = null;
    },
  };
}
