import { workerData } from 'piscina';
import { answerBlocking } from '../app/answer.js';
import { loadCsvData } from '../app/course/csv-data.js';
import { localSessions } from '../app/sessions.js';
import type { AppRequest, ServedResponse } from '../app/types.js';
import { servedByHere } from '../http-adapter.js';
import type { SessionMode } from '../model-types.js';
import { MainThreadSessions } from '../sessions/thread-link.js';
import { performJob, type TalkJob } from '../app/ws/talk.js';
import { shareLargeBodies } from '../app/work.js';

/** What the main thread sends with each request: the request, and the slot of its cancel cell. */
export interface PoolTask {
  readonly request: AppRequest;
  readonly slot: number;
}

/** The cancel cells, shared with the main thread once, when the pool starts (see worker-pool.ts). */
export interface PoolData {
  readonly cancelCells: SharedArrayBuffer;
  readonly sessions: SessionMode;
}

const data = workerData as PoolData;
const cells = new Int32Array(data.cancelCells);
// Shared: the main thread keeps the sessions, asked at each visit. Local: this thread's own map, the bug.
const sessions = data.sessions === 'shared' ? new MainThreadSessions() : localSessions;
const servedBy = servedByHere('worker-pool');
loadCsvData(); // when the thread starts, not inside a measured request
shareLargeBodies(); // a large answer crosses to the main thread without a copy

/**
 * Runs on a pool thread: the whole request, waits included, blocks this thread (the classic thread pool).
 * A request whose client left before it started is not run; a wait ends when the main thread says so.
 */
export default function poolTask({ request, slot }: PoolTask): ServedResponse {
  return answerBlocking({ ...request, servedBy }, { cells, index: slot }, sessions);
}

/** Runs on a pool thread: one WebSocket message's own work (piscina calls it by name: `{ name: 'wsJob' }`). */
export function wsJob(job: TalkJob): string {
  return performJob(job);
}
