/**
 * What a connection's side and its conversation's side (a thread or a process of its own) say to each other. No
 * imports: a thread or process per connection loads this and the application's conversation, nothing more.
 */

/** To the conversation: a message of its peer, or the news that the peer has gone. */
export type ToTalk = { readonly type: 'message'; readonly text: string } | { readonly type: 'closed' };

/** From the conversation: what to do with the connection, and how much of its inbox it has read. */
export type FromTalk =
  | { readonly type: 'send'; readonly text: string }
  | { readonly type: 'publish'; readonly text: string }
  | { readonly type: 'close'; readonly code: number; readonly reason: string }
  | { readonly type: 'took'; readonly bytes: number };

/** A conversation's reads are acknowledged in batches this large: one message back per 64 KiB read, not per message. */
export const TOOK_BATCH_BYTES = 64 * 1024;

export function isFromTalk(message: unknown): message is FromTalk {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as { type?: unknown; text?: unknown; bytes?: unknown; code?: unknown };
  return ((m.type === 'send' || m.type === 'publish') && typeof m.text === 'string') || (m.type === 'took' && typeof m.bytes === 'number') || (m.type === 'close' && typeof m.code === 'number');
}

export function isToTalk(message: unknown): message is ToTalk {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as { type?: unknown; text?: unknown };
  return (m.type === 'message' && typeof m.text === 'string') || m.type === 'closed';
}

/** What a message costs to hold: its bytes, and at least a small object's worth for a tiny one. */
export const heldBytes = (text: string): number => Math.max(64, Buffer.byteLength(text));

/** A connection's thread sleeps on two shared cells: POSTED counts the messages posted to it, CLOSED says the peer left. */
export const POSTED = 0;
export const CLOSED = 1;

/** What a conversation running elsewhere does with its connection: it says so to the side that holds the socket. */
export function sayingTo(post: (message: FromTalk) => void): { send(text: string): void; publish(text: string): void; close(code: number, reason: string): void } {
  return {
    send: (text) => {
      post({ type: 'send', text });
    },
    publish: (text) => {
      post({ type: 'publish', text });
    },
    close: (code, reason) => {
      post({ type: 'close', code, reason });
    },
  };
}
