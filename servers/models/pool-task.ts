import { answerBlocking } from '../app/answer.js';
import type { AppRequest, AppResponse } from '../app/types.js';
import { servedByHere } from '../http-adapter.js';

/** Runs on a pool thread: the whole request, waits included, blocks this thread (the classic thread pool). */
export default function poolTask(request: AppRequest): AppResponse {
  return answerBlocking({ ...request, servedBy: servedByHere('worker-pool') });
}
