import type { WsRoute } from '../app/ws/routes.js';
import { runTalkAsync, type AsyncPeer } from '../app/ws/talk-async.js';
import { talkOf } from '../app/ws/talk.js';
import { heldBytes, isToTalk, sayingTo, TOOK_BATCH_BYTES, type FromTalk } from '../ws/talk-messages.js';

/** The first message a connection's process gets: which conversation, and for whom. */
export interface WsProcessJob {
  readonly type: 'start';
  readonly route: WsRoute;
  readonly member: string;
}

function isWsProcessJob(message: unknown): message is WsProcessJob {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<Record<keyof WsProcessJob, unknown>>;
  return m.type === 'start' && typeof m.member === 'string' && typeof m.route === 'object' && m.route !== null;
}

/**
 * One process of process-per-request, serving one WebSocket connection for as long as it lasts (a process per
 * connection, as a CGI-style server would hold one): it starts, loads the conversation, and talks over IPC with the
 * main process, which holds the socket. It serves nothing else; it ends when the conversation does.
 */
const post = (message: FromTalk): void => {
  process.send?.(message);
};
const queue: string[] = [];
const gone = new AbortController();
let waiting: ((text: string | null) => void) | null = null;
let unacknowledged = 0;

const take = (): string | null => {
  const text = queue.shift();
  if (text === undefined) return null;
  unacknowledged += heldBytes(text);
  if (unacknowledged >= TOOK_BATCH_BYTES) {
    post({ type: 'took', bytes: unacknowledged });
    unacknowledged = 0;
  }
  return text;
};

const peer: AsyncPeer = {
  receive: () => (queue.length > 0 || gone.signal.aborted ? Promise.resolve(take()) : new Promise((resolve) => { waiting = resolve; })),
  ...sayingTo(post),
  closed: gone.signal,
};

const peerGone = (): void => {
  gone.abort();
  waiting?.(null);
  waiting = null;
};

process.on('message', (message: unknown) => {
  if (isWsProcessJob(message)) {
    void runTalkAsync(talkOf(message.route, { member: message.member, via: { model: 'process-per-request', pid: process.pid, threadId: 0 } }), peer).finally(() => {
      // Done once what it said has left: closing the channel lets the process end by itself.
      process.send?.({ type: 'took', bytes: 0 } satisfies FromTalk, () => {
        process.disconnect();
      });
    });
    return;
  }
  if (!isToTalk(message)) return;
  if (message.type === 'closed') {
    peerGone();
    return;
  }
  queue.push(message.text);
  if (waiting !== null) {
    const wake = waiting;
    waiting = null;
    wake(take());
  }
});
// The main process is gone: nobody is left to talk to.
process.on('disconnect', peerGone);
