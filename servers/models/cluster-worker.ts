import { closeServer } from '../listen.js';
import { createEventLoopServer } from './event-loop.js';

/** One process of the cluster model: an event-loop server on the port the primary shares. */
const server = createEventLoopServer('cluster');
server.listen(Number(process.env.LAB_PORT ?? '0'), process.env.LAB_HOST ?? '127.0.0.1');

// Ctrl-C reaches every process of the terminal's group: let the primary decide, so it can stop us in order.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => {
  void closeServer(server).then(() => process.exit(0));
});
