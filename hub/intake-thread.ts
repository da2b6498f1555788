/**
 * The hub's side of its intake thread (hub/intake-worker.ts): uploads go there to be read, validated and summarised,
 * so that an 8 MB file costs the hub's event loop the time to hand it over, not the time to read it. A thread that
 * dies (out of memory on a hostile file) fails the upload it was reading — the oldest it held, since it reads them
 * in order — and a new thread takes the others: one student's file never fails another's. Its heap is bounded, so
 * that a file built to swell in memory kills the reader, not the hub.
 */
import { Worker } from 'node:worker_threads';
import type { IntakeOutcome } from './intake.js';

export interface IntakeThread {
  run(text: string): Promise<IntakeOutcome>;
  /** Uploads handed over and not yet answered. */
  waiting(): number;
  close(): Promise<void>;
}

/**
 * The reader's heap: a real 8 MB results file (2,625 cases) is read in under a second within a 200 MB heap, and
 * within 120 MB in 1.7 s (measured twice); twice the larger leaves room for a slower machine.
 */
const READER_HEAP_MB = 400;

export function startIntakeThread(): IntakeThread {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { readonly text: string; readonly settle: (outcome: IntakeOutcome) => void }>();
  const start = (): Worker => {
    const w = new Worker(new URL('./intake-worker.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: READER_HEAP_MB } });
    w.on('message', (message: { id: number; outcome: IntakeOutcome }) => {
      pending.get(message.id)?.settle(message.outcome);
      pending.delete(message.id);
    });
    w.on('error', () => undefined); // 'exit' follows
    w.once('exit', () => {
      if (worker !== w) return; // closed
      worker = null;
      const [oldest] = pending.keys();
      if (oldest === undefined) return;
      pending.get(oldest)?.settle({ error: 'the hub could not read this upload (it is too large or too deep in memory for its reader)' });
      pending.delete(oldest);
      if (pending.size === 0) return;
      const next = start();
      worker = next;
      for (const [id, { text }] of pending) next.postMessage({ id, text });
    });
    return w;
  };
  return {
    run(text) {
      worker ??= start();
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, { text, settle: resolve });
        worker?.postMessage({ id, text });
      });
    },
    waiting: () => pending.size,
    async close() {
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}
