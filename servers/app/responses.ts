import type { AppResponse } from './types.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

export function json(status: number, value: unknown, headers: Record<string, string> = {}): AppResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

/** Every error answer is JSON with one `error` field that says what went wrong. */
export function jsonError(status: number, message: string, headers: Record<string, string> = {}): AppResponse {
  return json(status, { error: message }, headers);
}

export function internalError(): AppResponse {
  return jsonError(500, 'Internal server error: the handler failed; the server goes on serving');
}
