import { handle } from './handler.js';
import { internalError } from './responses.js';
import { runAsync } from './run-async.js';
import { runBlocking } from './run-blocking.js';
import type { AppRequest, AppResponse, ServedBy, ServedResponse } from './types.js';
import { messageOf } from '../../lib/errors.js';

function served(response: AppResponse, servedBy: ServedBy): ServedResponse {
  // Spelled out rather than spread: this runs for every request, and a fixed shape stays fast.
  return { status: response.status, headers: response.headers, body: response.body, servedBy };
}

function failed(error: unknown, servedBy: ServedBy): AppResponse {
  const message = messageOf(error);
  console.error(`[${servedBy.model} pid ${servedBy.pid} thread ${servedBy.threadId}] handler failed: ${message}`);
  return internalError();
}

/** Runs the application with every step blocking this thread; a failure becomes a 500, never a dead server. */
export function answerBlocking(request: AppRequest): ServedResponse {
  let response: AppResponse;
  try {
    response = runBlocking(handle(request));
  } catch (error: unknown) {
    response = failed(error, request.servedBy);
  }
  return served(response, request.servedBy);
}

/** Runs the application with non-blocking waits; a failure becomes a 500, never a dead server. */
export async function answerAsync(request: AppRequest): Promise<ServedResponse> {
  let response: AppResponse;
  try {
    response = await runAsync(handle(request));
  } catch (error: unknown) {
    response = failed(error, request.servedBy);
  }
  return served(response, request.servedBy);
}
