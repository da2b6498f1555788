/**
 * One contract, every model (as hono runs one router suite against every router): the same request gets the
 * same status and body from every model, bad input never hurts a server, and every answer says who served it.
 * The expected answers come from running the application in this process, so the suite checks that each
 * model is a faithful host of the one application.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerBlocking } from '../../servers/app/answer.js';
import { APP_MODELS } from '../../servers/catalogue.js';
import { startServerProcess, type ServerProcess } from '../../bench/run/server-process.js';
import { jsonOf, rawRequest } from '../helpers/http.js';

const reference = (path: string, method = 'GET'): { status: number; body: string } => {
  const response = answerBlocking({ method, url: path, servedBy: { model: 'reference', pid: 0, threadId: 0 } });
  const body = typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString('utf8');
  return { status: response.status, body };
};

const SAME_ANSWER = [
  '/',
  '/work',
  '/work?cpu=2000&io=5&bytes=400',
  '/work?bytes=5',
  '/static/',
  '/static/about.html',
  '/static/css/style.css',
  '/api/alive',
  '/api/associations',
  '/api/evenements',
  '/api/association/1',
  '/api/association/300',
  '/api/evenement/101',
  '/api/evenement/30100',
  '/api/association/42/evenements',
  '/api/associations/type/BDE',
  '/api/associations/type/M%C3%A9dias',
  '/api/associations/type/Nope',
];

const BAD_WORK: readonly (readonly [string, string])[] = [
  ['/work?cpu=abc', 'cpu'],
  ['/work?cpu=-1', 'cpu'],
  ['/work?cpu=1.5', 'cpu'],
  ['/work?cpu=', 'cpu'],
  ['/work?cpu=+3', 'cpu'],
  ['/work?io=1e3', 'io'],
  ['/work?io=Infinity', 'io'],
  ['/work?io=NaN', 'io'],
  ['/work?io=10001', 'io'],
  ['/work?cpu=5000001', 'cpu'],
  ['/work?bytes=99999999999', 'bytes'],
  ['/work?bytes=1&bytes=2', 'bytes'],
  ['/work?cpu=1&io=2&io=2', 'io'],
  ['/work?sleep=1', 'sleep'],
];

const TRAVERSALS = [
  '/static/../package.json',
  '/static/%2e%2e/package.json',
  '/static/%2E%2E/package.json',
  '/static/..%2fpackage.json',
  '/static/%2e%2e%2fpackage.json',
  '/static/..%5cpackage.json',
  '/static/..\\package.json',
  '/static/css/../../package.json',
  '/static/css/%2e%2e/%2e%2e/package.json',
  '/static//etc/passwd',
  '/static/%2fetc%2fpasswd',
  '/static/%2Fetc%2Fpasswd',
  '/static/index.html%00',
  '/static/%00',
  '/static/%',
  '/static/....//package.json',
  '/static/.',
];

describe.each(APP_MODELS)('model %s', (model) => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(model, { params: model === 'worker-pool' ? { threads: 2 } : model === 'cluster' ? { processes: 2 } : {} });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers /health with its model, pid and thread id, in body and headers', async () => {
    const response = await rawRequest(server.url, '/health');
    expect(response.status).toBe(200);
    const body = jsonOf(response) as { status: string; model: string; pid: number; threadId: number };
    expect(body).toMatchObject({ status: 'ok', model });
    expect(response.headers['x-served-by-model']).toBe(model);
    expect(response.headers['x-served-by-pid']).toBe(String(body.pid));
    expect(response.headers['x-served-by-thread']).toBe(String(body.threadId));
    // A cluster's child process answers, not the one that was started; a pool's thread, not the main one. The
    // per-request models answer /health from the accepting process, so that readiness never waits in their line.
    if (model === 'cluster') expect(body.pid).not.toBe(server.pid);
    else expect(body.pid).toBe(server.pid);
    if (model === 'worker-pool') expect(body.threadId).toBeGreaterThan(0);
    else expect(body.threadId).toBe(0);
  });

  it('answers a request of the application from where the model runs it (a new thread or process per request)', async () => {
    const response = await rawRequest(server.url, '/work?io=1');
    expect(response.status).toBe(200);
    const pid = Number(response.headers['x-served-by-pid']);
    const thread = Number(response.headers['x-served-by-thread']);
    if (model === 'cluster' || model === 'process-per-request') expect(pid).not.toBe(server.pid);
    else expect(pid).toBe(server.pid);
    if (model === 'worker-pool' || model === 'thread-per-request') expect(thread).toBeGreaterThan(0);
    else expect(thread).toBe(0);
  });

  it('answers the same large body twice, byte for byte (the second from the thread’s last body)', async () => {
    const path = '/work?io=1&bytes=2000000';
    const expected = reference(path);
    for (const response of [await rawRequest(server.url, path), await rawRequest(server.url, path)]) {
      expect(response.status).toBe(200);
      expect(response.body.length).toBe(2_000_000);
      expect(response.body).toBe(expected.body);
    }
  });

  it.each(SAME_ANSWER)('answers %s with the application’s status and body', async (path) => {
    const response = await rawRequest(server.url, path);
    const expected = reference(path);
    expect(response.status).toBe(expected.status);
    expect(response.body).toBe(expected.body);
    expect(response.headers['x-served-by-model']).toBe(model);
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(expected.body));
  });

  it.each(BAD_WORK)('refuses %s with 400 naming %s', async (path, param) => {
    const response = await rawRequest(server.url, path);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const { error } = jsonOf(response) as { error: string };
    expect(error).toContain(`'${param}'`);
    if (param !== 'sleep') expect(error).toMatch(/from 0 to \d+|more than once/);
  });

  it.each(TRAVERSALS)('never serves a file outside the static folder for %s', async (path) => {
    const response = await rawRequest(server.url, path);
    expect([400, 404]).toContain(response.status);
    expect(response.body).not.toContain('concurrency-lab');
    expect(response.body).not.toContain('root:');
    expect(jsonOf(response)).toHaveProperty('error');
  });

  it('answers the CSV API’s not-found cases as the exercise says', async () => {
    for (const path of ['/api/association/abc', '/api/association/0', '/api/association/999999', '/api/association/-1', '/api/association/abc/evenements', '/api/association/999/evenements']) {
      const response = await rawRequest(server.url, path);
      expect(response.status, path).toBe(404);
      expect(jsonOf(response), path).toEqual({ error: 'Association not found' });
    }
    for (const path of ['/api/evenement/xyz', '/api/evenement/1', '/api/evenement/1e3', '/api/evenement/99999999999']) {
      const response = await rawRequest(server.url, path);
      expect(response.status, path).toBe(404);
      expect(jsonOf(response), path).toEqual({ error: 'Event not found' });
    }
    for (const path of ['/api/alive', '/api/association/abc', '/api/nowhere']) {
      expect((await rawRequest(server.url, path)).headers['access-control-allow-origin'], path).toBe('*');
    }
  });

  it('answers unknown paths with 404 JSON and wrong methods with 405 and Allow', async () => {
    const unknown = await rawRequest(server.url, '/nowhere');
    expect(unknown.status).toBe(404);
    expect(jsonOf(unknown)).toHaveProperty('error');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await rawRequest(server.url, '/api/alive', { method });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(jsonOf(response)).toHaveProperty('error');
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    for (const path of ['/', '/static/about.html', '/api/association/1', '/nowhere']) {
      const get = await rawRequest(server.url, path);
      const head = await rawRequest(server.url, path, { method: 'HEAD' });
      expect(head.status).toBe(get.status);
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
      expect(head.body).toBe('');
    }
  });

  it('answers oversized URLs and headers with a 4xx and keeps serving', async () => {
    const longUrl = await rawRequest(server.url, `/work?cpu=${'1'.repeat(20_000)}`);
    expect(longUrl.status).toBeGreaterThanOrEqual(400);
    expect(longUrl.status).toBeLessThan(500);
    const longHeader = await rawRequest(server.url, '/', { headers: { 'x-big': 'a'.repeat(20_000) } });
    expect(longHeader.status).toBe(431);
    expect((await rawRequest(server.url, '/')).status).toBe(200);
  });

  it('counts /visits per session with shared sessions (the default): 1, 2, 3 on one cookie', async () => {
    const first = await rawRequest(server.url, '/visits');
    expect(first.status).toBe(200);
    expect(jsonOf(first)).toEqual({ visits: 1 });
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/^lab_session=[0-9a-f]{32}; HttpOnly; SameSite=Lax; Path=\/$/);
    const cookie = setCookie.split(';')[0] ?? '';
    for (const visits of [2, 3]) {
      // Each visit on a new connection: in a cluster, the other process answers every other time.
      const next = await rawRequest(server.url, '/visits', { headers: { cookie: `theme=dark; ${cookie}` } });
      expect(jsonOf(next)).toEqual({ visits });
      expect(next.headers['set-cookie']).toBeUndefined();
    }
    // Another client (no cookie) starts its own count.
    expect(jsonOf(await rawRequest(server.url, '/visits'))).toEqual({ visits: 1 });
  });

  it.each([
    ['a made-up id', `lab_session=${'a'.repeat(32)}`],
    ['a too short id', 'lab_session=abc123'],
    ['bad characters', `lab_session=${'Z'.repeat(31)}"`],
    ['an empty value', 'lab_session='],
    ['a huge cookie', `lab_session=${'f'.repeat(8000)}`],
    ['garbage', ';;;=;lab_session;=='],
  ])('starts a new session for a forged cookie (%s), never an error', async (_what, cookie) => {
    const response = await rawRequest(server.url, '/visits', { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(jsonOf(response)).toEqual({ visits: 1 });
    const setCookie = response.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/^lab_session=[0-9a-f]{32};/);
    expect(setCookie).not.toContain('a'.repeat(32));
  });

  it('answers a handler that throws with 500 JSON, then goes on serving', async () => {
    for (let i = 0; i < 3; i++) {
      const crash = await rawRequest(server.url, '/crash');
      expect(crash.status).toBe(500);
      expect(jsonOf(crash)).toHaveProperty('error');
    }
    const after = await rawRequest(server.url, '/api/alive');
    expect(after.status).toBe(200);
    expect(jsonOf(after)).toEqual({ message: 'Alive' });
  });
});
