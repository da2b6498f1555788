import { handle } from './handler.js';
import { internalError } from './responses.js';
import { runAsync } from './run-async.js';
import { runBlocking } from './run-blocking.js';
import type { AppRequest, AppResponse, ServedBy } from './types.js';

/** Header names that tell a student who answered: set where the handler actually ran (pool thread, child). */
export const SERVED_BY_HEADERS = {
  model: 'x-served-by-model',
  pid: 'x-served-by-pid',
  threadId: 'x-served-by-thread',
} as const;

function stamped(response: AppResponse, servedBy: ServedBy): AppResponse {
  return {
    ...response,
    headers: {
      ...response.headers,
      [SERVED_BY_HEADERS.model]: servedBy.model,
      [SERVED_BY_HEADERS.pid]: String(servedBy.pid),
      [SERVED_BY_HEADERS.threadId]: String(servedBy.threadId),
    },
  };
}

function failed(error: unknown, servedBy: ServedBy): AppResponse {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[${servedBy.model} pid ${servedBy.pid} thread ${servedBy.threadId}] handler failed: ${message}`);
  return internalError();
}

/** Runs the application with every step blocking this thread; a failure becomes a 500, never a dead server. */
export function answerBlocking(request: AppRequest): AppResponse {
  let response: AppResponse;
  try {
    response = runBlocking(handle(request));
  } catch (error: unknown) {
    response = failed(error, request.servedBy);
  }
  return stamped(response, request.servedBy);
}

/** Runs the application with non-blocking waits; a failure becomes a 500, never a dead server. */
export async function answerAsync(request: AppRequest): Promise<AppResponse> {
  let response: AppResponse;
  try {
    response = await runAsync(handle(request));
  } catch (error: unknown) {
    response = failed(error, request.servedBy);
  }
  return stamped(response, request.servedBy);
}
