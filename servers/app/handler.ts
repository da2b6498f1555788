import { csvApi } from './course/csv-api.js';
import { json, jsonError } from './responses.js';
import { staticFile } from './course/static-site.js';
import { sessionCookie, sessionFromCookie } from './sessions.js';
import { visit, type Steps } from './steps.js';
import type { AppRequest, AppResponse } from './types.js';
import { work } from './work.js';
import { serveInfo } from './launch-info.js';
import { isWsPath, upgradeRequired, wsPage } from './ws/page.js';

function healthExtras(): { params?: Record<string, number>; sessions?: string } {
  const info = serveInfo();
  return info === null ? {} : { params: info.params, ...(info.sessions === undefined ? {} : { sessions: info.sessions }) };
}

/** The methods every route answers; anything else on a known path gets 405 with this list. */
export const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

type Route = (query: string, request: AppRequest) => Steps<AppResponse>;

// A route without waits is still a generator, so that every answer goes through the same interpreters.
// eslint-disable-next-line require-yield
function* answer(response: AppResponse): Steps<AppResponse> {
  return response;
}

/** The smallest answer, built once: `/` measures the model, not the application. */
const HELLO: AppResponse = Object.freeze({ status: 200, headers: Object.freeze({ 'content-type': 'text/plain; charset=utf-8' }), body: 'Hello, world!\n' });

/** Finds the route for a raw path, or null when the path is unknown. */
function route(path: string): Route | null {
  if (path === '/') return () => answer(HELLO);
  if (path === '/health') {
    // Started by `npm run serve`: the parameters too, so that a bench on another host knows what it measures.
    return (_query, { servedBy }) => answer(json(200, { status: 'ok', ...servedBy, ...healthExtras() }));
  }
  if (path === '/visits') return (_query, request) => visits(request);
  if (path === '/work') return (query) => work(query);
  if (path === '/static') return () => answer({ status: 301, headers: { location: '/static/' }, body: '' });
  if (path.startsWith('/static/')) return () => staticFile(path.slice('/static/'.length));
  if (path === '/crash') {
    // On purpose: shows that a handler that throws costs one 500, not the server.
    return () => {
      throw new Error('this route always fails, to show that the server survives it');
    };
  }
  // WebSocket: the page that uses it; its own paths answer plain HTTP with 426 (the upgrade is the server's).
  if (path === '/ws') return () => answer({ status: 301, headers: { location: '/ws/' }, body: '' });
  if (path === '/ws/') return () => wsPage();
  if (isWsPath(path)) return () => answer(upgradeRequired(path));
  if (path.startsWith('/api/')) {
    const response = csvApi(path.slice('/api/'.length).split('/'));
    return response === null ? null : () => answer(response);
  }
  return null;
}

/**
 * The course's cookie counter: the first answer sets the session cookie, each answer says how many visits this
 * session made. A cookie that is not ours (forged, malformed, unknown) starts a new session, never an error.
 */
function* visits(request: AppRequest): Steps<AppResponse> {
  const asked = sessionFromCookie(request.cookie);
  const counted = yield* visit(asked);
  return json(200, { visits: counted.visits }, counted.session === asked ? {} : { 'set-cookie': sessionCookie(counted.session) });
}

/** Splits a raw request target into path and query, without normalising `..` away. */
export function splitTarget(url: string): { path: string; query: string } {
  const hash = url.indexOf('#');
  const target = hash === -1 ? url : url.slice(0, hash);
  const q = target.indexOf('?');
  return q === -1 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

/** The course's API allows calls from pages of other origins (CORS); the rest of the lab does not need it. */
function withCors(response: AppResponse): AppResponse {
  return { status: response.status, headers: { ...response.headers, 'access-control-allow-origin': '*' }, body: response.body };
}

/** The application: one request in, steps to perform, one answer out. Written once, run by every model. */
export function* handle(request: AppRequest): Steps<AppResponse> {
  const response = yield* routed(request);
  return request.url.startsWith('/api/') ? withCors(response) : response;
}

function* routed(request: AppRequest): Steps<AppResponse> {
  const { path, query } = splitTarget(request.url);
  if (!path.startsWith('/')) return jsonError(400, 'request target must be a path starting with /');
  const found = route(path);
  if (found === null) return jsonError(404, `Not found: no route for ${path}`);
  if (request.method === 'OPTIONS') return { status: 204, headers: { allow: ALLOWED_METHODS }, body: '' };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return jsonError(405, `Method ${request.method} not allowed on ${path}; allowed: ${ALLOWED_METHODS}`, { allow: ALLOWED_METHODS });
  }
  return yield* found(query, request);
}
