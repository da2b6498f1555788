import { performJob, type Talk } from './talk.js';

/** A connection as a thread of its own sees it: receiving blocks the thread until a message comes. */
export interface BlockingPeer {
  /** Blocks until the next text message, or returns null once the peer has closed. */
  receive(): string | null;
  send(text: string): void;
  publish(text: string): void;
  close(code: number, reason: string): void;
  /** Blocks for `ms`; false when the peer closed meanwhile (the sleep ends at once). */
  sleep(ms: number): boolean;
}

/**
 * Runs a conversation with every step blocking the calling thread: the thread belongs to this connection and
 * does nothing else while it waits for the peer, which is what a thread per connection costs.
 */
export function runTalkBlocking(talk: Talk, peer: BlockingPeer): void {
  let next = talk.next();
  while (next.done !== true) {
    const step = next.value;
    let result: unknown;
    switch (step.kind) {
      case 'receive':
        result = peer.receive();
        break;
      case 'send':
        peer.send(step.text);
        break;
      case 'publish':
        peer.publish(step.text);
        break;
      case 'wait':
        if (!peer.sleep(step.ms)) return;
        break;
      case 'close':
        peer.close(step.code, step.reason);
        return;
      case 'work':
        result = performJob(step.job);
        break;
    }
    next = talk.next(result);
  }
}
