import { messageOf } from '../../lib/errors.js';
import { ClientGone, type CancelCell, type ClientWatch } from './cancel.js';
import { handle } from './handler.js';
import { internalError, jsonError } from './responses.js';
import { runAsync } from './run-async.js';
import { runBlocking } from './run-blocking.js';
import type { SessionAccess, SessionStore } from './sessions.js';
import type { AppRequest, AppResponse, ServedBy, ServedResponse } from './types.js';

function served(response: AppResponse, servedBy: ServedBy): ServedResponse {
  // Spelled out rather than spread: this runs for every request, and a fixed shape stays fast.
  return { status: response.status, headers: response.headers, body: response.body, servedBy };
}

/** What a request that was dropped "answers": nobody reads it (the connection is gone), but it is a value. */
export const GONE_STATUS = 499;

function failed(error: unknown, servedBy: ServedBy): AppResponse {
  if (error instanceof ClientGone) return jsonError(GONE_STATUS, error.message);
  console.error(`[${servedBy.model} pid ${servedBy.pid} thread ${servedBy.threadId}] handler failed: ${messageOf(error)}`);
  return internalError();
}

/** Runs the application with every step blocking this thread; a failure becomes a 500, never a dead server. */
export function answerBlocking(request: AppRequest, cancel?: CancelCell, sessions?: SessionStore): ServedResponse {
  let response: AppResponse;
  try {
    response = runBlocking(handle(request), cancel, sessions);
  } catch (error: unknown) {
    response = failed(error, request.servedBy);
  }
  return served(response, request.servedBy);
}

/** Runs the application with non-blocking waits; a failure becomes a 500, never a dead server. */
export async function answerAsync(request: AppRequest, watch?: ClientWatch, sessions?: SessionAccess): Promise<ServedResponse> {
  let response: AppResponse;
  try {
    response = await runAsync(handle(request), watch, sessions);
  } catch (error: unknown) {
    response = failed(error, request.servedBy);
  }
  return served(response, request.servedBy);
}
