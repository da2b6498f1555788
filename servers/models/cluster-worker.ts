import { readFileSync } from 'node:fs';
import { messageOf } from '../../lib/errors.js';
import { localSessions } from '../app/sessions.js';
import { closeServer } from '../listen.js';
import { ParentSessions } from '../sessions/process-link.js';
import { createEventLoopServer } from './event-loop.js';
import { LocalRooms } from '../ws/rooms.js';
import { primaryBus, redisBus } from '../ws/relay.js';

/** What a cluster process tells the primary when it cannot listen (port in use, bad address). */
export interface ListenFailure {
  readonly type: 'listen-failed';
  readonly message: string;
}

/**
 * One process of the cluster model: an event-loop server on the port the primary shares. The primary passes
 * its options in the environment; with shared sessions it keeps the store and this process asks it.
 */
const { LAB_TLS_KEY_FILE: keyPath, LAB_TLS_CERT_FILE: certPath } = process.env;
const tls = keyPath !== undefined && certPath !== undefined ? { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), keyPath, certPath } : null;
const sessions = process.env.LAB_SESSIONS === 'local' ? localSessions : new ParentSessions();
// Chat rooms span the cluster: through the primary, or through Redis with --broker (the primary checked it answers).
const rooms = new LocalRooms();
const broker = process.env.LAB_BROKER;
const bus = broker === undefined ? primaryBus(rooms) : await redisBus(broker, rooms);
const server = createEventLoopServer('cluster', tls, sessions, { rooms, bus });
server.once('error', (error: unknown) => {
  // One line reaches the user, through the primary: not a stack trace from every process.
  const failure: ListenFailure = { type: 'listen-failed', message: messageOf(error) };
  process.send?.(failure, () => process.exit(1));
});
server.listen(Number(process.env.LAB_PORT ?? '0'), process.env.LAB_HOST ?? '127.0.0.1');

// Ctrl-C reaches every process of the terminal's group: let the primary decide, so it can stop us in order.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => {
  void closeServer(server).then(() => bus.close()).then(() => process.exit(0));
});
