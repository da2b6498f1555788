import { JSON_TYPE, jsonError } from './responses.js';
import { cpu, wait, type Steps } from './steps.js';
import type { AppResponse } from './types.js';
import { isOneOf } from '../../lib/guards.js';

/** Bounds of `/work`: generous enough to teach with, small enough that one request cannot hang a server. */
export const WORK_LIMITS = {
  cpu: { max: 5_000_000, unit: 'PBKDF2 iterations' },
  io: { max: 10_000, unit: 'milliseconds of waiting' },
  bytes: { max: 10 * 1024 * 1024, unit: 'bytes of response' },
} as const;

export type WorkParam = keyof typeof WORK_LIMITS;
export type WorkParams = Record<WorkParam, number>;

const PARAM_NAMES = Object.keys(WORK_LIMITS) as WorkParam[];
const DIGITS = /^\d{1,10}$/;

function isWorkParam(name: string): name is WorkParam {
  return isOneOf(PARAM_NAMES, name);
}

/** Parses the query of `/work`; the error string names the parameter and its allowed range. */
export function parseWorkQuery(query: string): WorkParams | { error: string } {
  const params: WorkParams = { cpu: 0, io: 0, bytes: 0 };
  const seen = new Set<string>();
  for (const [name, raw] of new URLSearchParams(query)) {
    if (!isWorkParam(name)) {
      return { error: `unknown parameter '${name}': /work takes ${PARAM_NAMES.join(', ')}` };
    }
    const { max, unit } = WORK_LIMITS[name];
    if (seen.has(name)) return { error: `parameter '${name}' is given more than once; give it once` };
    seen.add(name);
    const value = DIGITS.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value > max) {
      return { error: `parameter '${name}' must be an integer from 0 to ${max} (${unit}), got ${JSON.stringify(raw)}` };
    }
    params[name] = value;
  }
  return params;
}

/**
 * The last padded body built, kept for the next request that asks for the same one. Building 10 MiB of padding
 * costs its pages (an allocation the kernel must fault in, about 7 ms here); clients that all ask for the same
 * large answer (a class on one URL, or an attack of many) then share one buffer, which Node.js only reads when it
 * writes. One body at most per thread: a bound on what the cache itself holds.
 */
let lastPadded: { readonly head: string; readonly body: Uint8Array } | undefined;

/** Whether padded bodies are built in shared memory (threads whose answers cross to the main thread). */
let sharedBodies = false;

/**
 * Builds padded bodies in shared memory from now on: a pool thread's (or a request thread's) answer then reaches
 * the main thread as a view of the same bytes instead of a 10 MiB copy. Only for such threads: fastify serializes a
 * view of shared memory as JSON (it sends as bytes only views of an ArrayBuffer).
 */
export function shareLargeBodies(): void {
  sharedBodies = true;
}

/**
 * The body of `/work`: the parameters, the CPU digest (proof the work was done), padded to `bytes`.
 * A padded body is built as bytes, outside the JavaScript heap, in one allocation: a client asking for
 * 10 MiB answers must not make the server build (and later collect) two 10 MiB strings per request.
 */
export function workBody(params: WorkParams, digest: string): string | Uint8Array {
  const empty = JSON.stringify({ cpu: params.cpu, io: params.io, bytes: params.bytes, digest, pad: '' });
  const padding = Math.max(0, params.bytes - empty.length);
  if (padding === 0) return empty;
  const head = empty.slice(0, -2); // everything up to the pad's closing quote and brace
  if (lastPadded?.head === head) return lastPadded.body;
  const size = head.length + padding + 2;
  const body = sharedBodies ? Buffer.from(new SharedArrayBuffer(size)) : Buffer.allocUnsafe(size);
  body.write(head, 0, 'latin1'); // JSON.stringify of numbers and a hex digest: ASCII only
  body.fill('x', head.length, head.length + padding);
  body.write('"}', head.length + padding, 'latin1');
  lastPadded = { head, body };
  return body;
}

export function* work(query: string): Steps<AppResponse> {
  const parsed = parseWorkQuery(query);
  if ('error' in parsed) return jsonError(400, parsed.error);
  const digest = yield* cpu(parsed.cpu);
  yield* wait(parsed.io);
  const body = workBody(parsed, digest);
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body };
}
