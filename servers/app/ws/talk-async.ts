import { setTimeout as sleep } from 'node:timers/promises';
import { performJob, type Talk, type TalkJob } from './talk.js';

/** A connection as the async interpreter sees it: receiving waits without holding the thread. */
export interface AsyncPeer {
  /** The next text message, or null once the peer has closed. */
  receive(): Promise<string | null>;
  send(text: string): void;
  publish(text: string): void;
  close(code: number, reason: string): void;
  /** Aborts when the connection is gone: a wait in progress ends at once. */
  readonly closed: AbortSignal;
}

/**
 * Runs a conversation with waits that give the thread back: one thread holds thousands of connections, each
 * costing only its buffers while it waits. `perform` does a message's own work (here, or on a pool thread).
 */
export async function runTalkAsync(talk: Talk, peer: AsyncPeer, perform: (job: TalkJob) => string | Promise<string> = performJob): Promise<void> {
  let next = talk.next();
  while (next.done !== true) {
    const step = next.value;
    let result: unknown;
    switch (step.kind) {
      case 'receive':
        result = await peer.receive();
        break;
      case 'send':
        if (!peer.closed.aborted) peer.send(step.text);
        break;
      case 'publish':
        peer.publish(step.text);
        break;
      case 'wait':
        try {
          await sleep(step.ms, undefined, { signal: peer.closed });
        } catch {
          return; // only the peer's departure rejects the timer: nobody is left to talk to
        }
        break;
      case 'close':
        peer.close(step.code, step.reason);
        return;
      case 'work':
        result = await perform(step.job);
        break;
    }
    next = talk.next(result);
  }
}
