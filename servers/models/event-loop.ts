import { answerAsync } from '../app/answer.js';
import { loadCsvData } from '../app/course/csv-data.js';
import { localSessions, type SessionAccess } from '../app/sessions.js';
import { servedByHere, toAppRequest, writeRefusal, writeResponse } from '../http-adapter.js';
import { createLabServer } from '../limits.js';
import { closeServer, listen, type LabServer } from '../listen.js';
import type { ModelOptions, RunningServer, TlsMaterial } from '../model-types.js';

/**
 * event-loop: one thread; a request that waits hands the thread back to the loop, which serves
 * the others meanwhile. CPU work still runs on that one thread. The cluster model reuses this server.
 * A request whose client left stops at its next step; a wait in progress ends at once. One thread holds
 * one store of sessions: `--sessions local` and `shared` are the same here (a cluster process passes its own).
 */
export function createEventLoopServer(model: string, tls: TlsMaterial | null, sessions: SessionAccess = localSessions): LabServer {
  const servedBy = servedByHere(model);
  loadCsvData();
  return createLabServer(
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
}

export async function start({ host, port, tls }: ModelOptions): Promise<RunningServer> {
  const server = createEventLoopServer('event-loop', tls);
  const url = await listen(server, host, port);
  return { url, params: {}, close: () => closeServer(server) };
}
