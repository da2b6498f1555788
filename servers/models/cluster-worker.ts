import { messageOf } from '../../lib/errors.js';
import { closeServer } from '../listen.js';
import { createEventLoopServer } from './event-loop.js';

/** What a cluster process tells the primary when it cannot listen (port in use, bad address). */
export interface ListenFailure {
  readonly type: 'listen-failed';
  readonly message: string;
}

/** One process of the cluster model: an event-loop server on the port the primary shares. */
const server = createEventLoopServer('cluster');
server.once('error', (error: unknown) => {
  // One line reaches the user, through the primary: not a stack trace from every process.
  const failure: ListenFailure = { type: 'listen-failed', message: messageOf(error) };
  process.send?.(failure, () => process.exit(1));
});
server.listen(Number(process.env.LAB_PORT ?? '0'), process.env.LAB_HOST ?? '127.0.0.1');

// Ctrl-C reaches every process of the terminal's group: let the primary decide, so it can stop us in order.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => {
  void closeServer(server).then(() => process.exit(0));
});
