import { answerBlocking } from '../app/answer.js';
import type { AppRequest, ServedResponse } from '../app/types.js';
import { servedByHere } from '../http-adapter.js';

/** Runs on a pool thread: the whole request, waits included, blocks this thread (the classic thread pool). */
export default function poolTask(request: AppRequest): ServedResponse {
  return answerBlocking({ ...request, servedBy: servedByHere('worker-pool') });
}
