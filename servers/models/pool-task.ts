import { workerData } from 'piscina';
import { answerBlocking } from '../app/answer.js';
import { loadCsvData } from '../app/csv-data.js';
import type { AppRequest, ServedResponse } from '../app/types.js';
import { servedByHere } from '../http-adapter.js';

/** What the main thread sends with each request: the request, and the slot of its cancel cell. */
export interface PoolTask {
  readonly request: AppRequest;
  readonly slot: number;
}

/** The cancel cells, shared with the main thread once, when the pool starts (see worker-pool.ts). */
export interface PoolData {
  readonly cancelCells: SharedArrayBuffer;
}

const cells = new Int32Array((workerData as PoolData).cancelCells);
const servedBy = servedByHere('worker-pool');
loadCsvData(); // when the thread starts, not inside a measured request

/**
 * Runs on a pool thread: the whole request, waits included, blocks this thread (the classic thread pool).
 * A request whose client left before it started is not run; a wait ends when the main thread says so.
 */
export default function poolTask({ request, slot }: PoolTask): ServedResponse {
  return answerBlocking({ ...request, servedBy }, { cells, index: slot });
}
