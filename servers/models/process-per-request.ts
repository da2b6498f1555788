import { fork, type ChildProcess } from 'node:child_process';
import type WebSocket from 'ws';
import type { WsRoute } from '../app/ws/routes.js';
import { bridge } from '../ws/bridge.js';
import type { ToTalk } from '../ws/talk-messages.js';
import type { ChatPlace } from '../ws/here.js';
import { localPlace } from '../ws/place.js';
import { acceptWebSockets } from '../ws/upgrade.js';
import type { WsProcessJob } from './ws-process.js';
import { fileURLToPath } from 'node:url';
import { internalError } from '../app/responses.js';
import { SessionMap } from '../app/sessions.js';
import { servedByHere, toAppRequest, writeResponse } from '../http-adapter.js';
import { closeServer, listen } from '../listen.js';
import type { ModelOptions, RunningServer } from '../model-types.js';
import { answerVisitQuestion } from '../sessions/process-link.js';
import type { ProcessAnswer, ProcessJob } from './request-process.js';
import { lineServer, StartLine } from './start-line.js';

const STOP_GRACE_MS = 2000;

function isProcessAnswer(message: unknown): message is ProcessAnswer {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'answer';
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => {
      resolve();
    });
  });
}

/**
 * process-per-request: the main process accepts and parses; every request gets a new Node.js process (as a
 * CGI server starts a program per request, or a serverless platform a cold function), which loads the
 * application, runs the one request, answers over IPC and exits. Every request pays a process start: tens of
 * milliseconds before any work, and its memory. At most `processes` processes live at once; the next requests
 * wait in line here. A client that leaves gets its process killed: nothing else can stop it mid-request.
 * A WebSocket connection gets a process of its own for as long as it lasts (process per connection), from the
 * same bound: while `processes` connections are open, the next ones (and the next requests) wait in line.
 */
export async function start({ host, port, processes, sessions, tls }: ModelOptions): Promise<RunningServer> {
  const servedBy = servedByHere('process-per-request');
  const entry = fileURLToPath(new URL('./request-process.js', import.meta.url));
  const line = new StartLine(processes, 'process');
  const live = new Set<ChildProcess>();
  // Shared sessions: this process keeps the store; a request's process asks it over IPC.
  const store = new SessionMap();

  const server = lineServer(line, servedBy, tls, (req, res, departure) =>
    new Promise<void>((resolve) => {
      // 'advanced' serialization: binary answers (files, padded /work bodies) cross as bytes, not as JSON.
      const child = fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      live.add(child);
      let answered = false;
      departure.onLeave(() => {
        if (!answered) child.kill('SIGKILL');
      });
      child.on('message', (message: unknown) => {
        if (sessions === 'shared' && answerVisitQuestion(child, message, store)) return;
        if (!isProcessAnswer(message) || answered) return;
        answered = true;
        writeResponse(req, res, message.response);
      });
      child.on('error', (error: Error) => {
        // A process that could not start (too many processes, no memory): 'exit' may never come.
        console.error(`[process-per-request] a request's process failed: ${error.message}`);
        finish();
      });
      child.once('exit', finish);
      let finished = false;
      function finish(): void {
        if (finished) return;
        finished = true;
        live.delete(child);
        if (!answered) writeResponse(req, res, { ...internalError(), servedBy });
        resolve();
      }
      const job: ProcessJob = { type: 'job', request: toAppRequest(req, servedBy), sessions };
      // A process that could not start has no channel: its 'error' answers the request (500).
      if (child.connected) child.send(job);
    }),
  );
  const place = localPlace();
  const wsEntry = fileURLToPath(new URL('./ws-process.js', import.meta.url));
  acceptWebSockets(server, servedBy, { line, serve: (ws, route, member) => startWsProcess(wsEntry, ws, route, member, place, live) });
  const url = await listen(server, host, port);
  return {
    url,
    params: { processes },
    close: async () => {
      line.close();
      await closeServer(server);
      const children = [...live];
      for (const child of children) child.kill('SIGTERM');
      const timer = setTimeout(() => {
        for (const child of children) child.kill('SIGKILL');
      }, STOP_GRACE_MS);
      await Promise.all(children.map(exited));
      clearTimeout(timer);
    },
  };
}

/** A process for one WebSocket connection: the socket stays here, its messages cross to the process over IPC. */
function startWsProcess(entry: string, ws: WebSocket, route: WsRoute, member: string, place: ChatPlace, live: Set<ChildProcess>): Promise<void> {
  const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  live.add(child);
  const ended = new Promise<void>((resolve) => {
    const end = (): void => {
      live.delete(child);
      resolve();
    };
    // 'close', not 'exit': its last messages (the countdown's last number, its close) are read before it counts as ended.
    child.once('close', end);
    // A process that could not start (too many processes, no memory): 'close' may never come. A second error (a send
    // to a process on its way out) must not go unheard, or it would end the server.
    child.on('error', (error: Error) => {
      console.error(`[process-per-request] a connection's process failed: ${error.message}`);
      end();
    });
  });
  const post = (message: ToTalk | WsProcessJob): void => {
    if (child.connected) child.send(message);
  };
  const link = bridge(ws, route, place, { post, ended });
  child.on('message', (message: unknown) => {
    link.receive(message);
  });
  post({ type: 'start', route, member });
  return link.done;
}
