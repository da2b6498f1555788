import { answerAsync } from '../app/answer.js';
import { loadCsvData } from '../app/course/csv-data.js';
import { localSessions, type SessionAccess } from '../app/sessions.js';
import { servedByHere, toAppRequest, writeRefusal, writeResponse } from '../http-adapter.js';
import { createLabServer } from '../limits.js';
import { closeServer, listen, type LabServer } from '../listen.js';
import type { ModelOptions, RunningServer, TlsMaterial } from '../model-types.js';
import { serveHere, type ChatPlace } from '../ws/here.js';
import { localPlace } from '../ws/place.js';
import { acceptWebSockets } from '../ws/upgrade.js';

/**
 * event-loop: one thread; a request that waits hands the thread back to the loop, which serves
 * the others meanwhile. CPU work still runs on that one thread. The cluster model reuses this server.
 * A request whose client left stops at its next step; a wait in progress ends at once. One thread holds
 * one store of sessions: `--sessions local` and `shared` are the same here (a cluster process passes its own).
 * WebSocket connections are held on the same thread, each costing only its buffers while it waits; a cluster
 * process passes its own chat place, whose rooms span the cluster.
 */
export function createEventLoopServer(model: string, tls: TlsMaterial | null, sessions: SessionAccess = localSessions, place: ChatPlace = localPlace()): LabServer {
  const servedBy = servedByHere(model);
  loadCsvData();
  const server = createLabServer(
    (req, res, departure) => {
      void answerAsync(toAppRequest(req, servedBy), departure, sessions).then((response) => {
        writeResponse(req, res, response);
      });
    },
    (req, res, why) => {
      writeRefusal(req, res, servedBy, why);
    },
    tls,
  );
  acceptWebSockets(server, servedBy, { serve: (ws, route, member) => serveHere(ws, route, member, place, servedBy) });
  return server;
}

export async function start({ host, port, tls }: ModelOptions): Promise<RunningServer> {
  const server = createEventLoopServer('event-loop', tls);
  const url = await listen(server, host, port);
  return { url, params: {}, close: () => closeServer(server) };
}
