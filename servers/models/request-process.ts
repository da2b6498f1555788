import { answerAsync } from '../app/answer.js';
import { localSessions } from '../app/sessions.js';
import type { AppRequest, ServedResponse } from '../app/types.js';
import { servedByHere } from '../http-adapter.js';
import type { SessionMode } from '../model-types.js';
import { ParentSessions } from '../sessions/process-link.js';

/** What the parent sends a new process: its one request, and where sessions live. */
export interface ProcessJob {
  readonly type: 'job';
  readonly request: AppRequest;
  readonly sessions: SessionMode;
}

/** The process's answer, sent once before it ends. */
export interface ProcessAnswer {
  readonly type: 'answer';
  readonly response: ServedResponse;
}

function isProcessJob(message: unknown): message is ProcessJob {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<Record<keyof ProcessJob, unknown>>;
  return m.type === 'job' && typeof m.request === 'object' && m.request !== null && (m.sessions === 'shared' || m.sessions === 'local');
}

/**
 * One process of process-per-request, as a CGI program: it starts, loads the application, runs its one
 * request, sends the answer to its parent and ends. It serves nothing else, so its waits keep the whole
 * process busy with this request, as a blocking wait would; they are written with the async interpreter only
 * so that, with shared sessions, the process can ask its parent for the count over IPC while it runs.
 * A client that leaves gets its process killed by the parent.
 */
process.once('message', (message: unknown) => {
  if (!isProcessJob(message)) {
    process.exit(2);
  }
  const sessions = message.sessions === 'shared' ? new ParentSessions() : localSessions;
  void answerAsync({ ...message.request, servedBy: servedByHere('process-per-request') }, undefined, sessions).then((response) => {
    const answer: ProcessAnswer = { type: 'answer', response };
    // Done once the answer has left: closing the channel lets the process end by itself.
    process.send?.(answer, () => {
      process.disconnect();
    });
  });
});
