import type { Departure } from '../limits.js';

/** A request waiting for a thread or process of its own. */
export interface Start {
  readonly departure: Departure;
  /** Starts its thread or process; resolves once that has ended (its place in the bound is free again). */
  run(): Promise<void>;
}

/**
 * The bound on live threads or processes of the per-request models: at most `limit` run at once, the next
 * requests wait in line (first come, first served) in the main process. Without it, 256 clients would start
 * 256 processes at once and the machine would spend its time switching between them, or run out of memory.
 * A request whose client left while it waited is dropped when its turn comes: it never starts anything.
 */
export class StartLine {
  private readonly waiting: Start[] = [];
  private live = 0;
  private closed = false;

  constructor(private readonly limit: number) {}

  add(start: Start): void {
    if (this.closed) return;
    this.waiting.push(start);
    this.next();
  }

  /** Starts nothing more; what waits is forgotten (its connections are being closed). */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
  }

  private next(): void {
    while (!this.closed && this.live < this.limit) {
      const start = this.waiting.shift();
      if (start === undefined) return;
      if (start.departure.gone) continue;
      this.live += 1;
      void start.run().finally(() => {
        this.live -= 1;
        this.next();
      });
    }
  }
}
