import { parentPort, workerData } from 'node:worker_threads';
import { answerBlocking } from '../app/answer.js';
import { localSessions } from '../app/sessions.js';
import type { AppRequest, ServedResponse } from '../app/types.js';
import { servedByHere } from '../http-adapter.js';
import type { SessionMode } from '../model-types.js';
import { MainThreadSessions } from '../sessions/thread-link.js';
import { shareLargeBodies } from '../app/work.js';

/** What the main thread gives a new thread: its one request, its cancel cell, where sessions live. */
export interface RequestThreadData {
  readonly request: AppRequest;
  readonly cancelCell: SharedArrayBuffer;
  readonly sessions: SessionMode;
}

/** The thread's answer, posted once before it ends. */
export interface ThreadAnswer {
  readonly type: 'answer';
  readonly response: ServedResponse;
}

/**
 * One thread of thread-per-request: it loads the application, runs its one request with the blocking
 * interpreter (as a pool thread does), posts the answer and ends. Nothing is loaded ahead: the CSV data, when
 * the request needs it, is parsed by this thread, as a real thread-per-request server that shares nothing
 * would do. With local sessions, this thread's own map lives as long as the request: every visit counts 1.
 */
const { request, cancelCell, sessions } = workerData as RequestThreadData;
const store = sessions === 'shared' ? new MainThreadSessions() : localSessions;
shareLargeBodies(); // a large answer crosses to the main thread without a copy
const response = answerBlocking({ ...request, servedBy: servedByHere('thread-per-request') }, { cells: new Int32Array(cancelCell), index: 0 }, store);
const answer: ThreadAnswer = { type: 'answer', response };
parentPort?.postMessage(answer);
if (store instanceof MainThreadSessions) store.close();
