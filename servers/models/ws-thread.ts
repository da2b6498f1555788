import { parentPort, receiveMessageOnPort, threadId, workerData, type MessagePort } from 'node:worker_threads';
import type { WsRoute } from '../app/ws/routes.js';
import { runTalkBlocking, type BlockingPeer } from '../app/ws/talk-blocking.js';
import { talkOf } from '../app/ws/talk.js';
import { CLOSED, heldBytes, isToTalk, POSTED, sayingTo, TOOK_BATCH_BYTES, type FromTalk } from '../ws/talk-messages.js';

/** What the main thread gives a connection's thread: the route, the member's name, and how to hear from it. */
export interface WsThreadData {
  readonly route: WsRoute;
  readonly member: string;
  readonly model: string;
  /** Its peer's messages, read with receiveMessageOnPort while the thread blocks. */
  readonly port: MessagePort;
  /** [POSTED, CLOSED]: bumped by the main thread after each message it posts, and set once the peer has gone. */
  readonly cells: SharedArrayBuffer;
}

/**
 * One thread of thread-per-request, serving one WebSocket connection for as long as it lasts: the blocking
 * interpreter runs the conversation, and the thread sleeps on a shared cell while it waits for the next message,
 * as a thread-per-connection server blocks in read(). The socket stays with the main thread, which hands each
 * message over and writes what this thread says.
 */
const { route, member, model, port, cells: shared } = workerData as WsThreadData;
const cells = new Int32Array(shared);
const post = (message: FromTalk): void => {
  parentPort?.postMessage(message);
};
let unacknowledged = 0;

const peer: BlockingPeer = {
  receive() {
    for (;;) {
      // Read the count before looking: a message posted after the look bumps it, and the wait returns at once.
      const seen = Atomics.load(cells, POSTED);
      const got = receiveMessageOnPort(port);
      if (got !== undefined) {
        const message: unknown = got.message;
        if (!isToTalk(message)) continue;
        if (message.type === 'closed') return null;
        unacknowledged += heldBytes(message.text);
        if (unacknowledged >= TOOK_BATCH_BYTES) {
          post({ type: 'took', bytes: unacknowledged });
          unacknowledged = 0;
        }
        return message.text;
      }
      Atomics.wait(cells, POSTED, seen);
    }
  },
  sleep: (ms) => Atomics.wait(cells, CLOSED, 0, ms) === 'timed-out',
  ...sayingTo(post),
};

runTalkBlocking(talkOf(route, { member, via: { model, pid: process.pid, threadId } }), peer);
port.close();
