/**
 * The class hub's HTTP interface (the bench's --share speaks it; scripts may too):
 *
 *   GET  /                        the class page (live: who is running, the questions' forms)
 *   GET  /api/live                who is running and where (names and cells only)
 *   POST /api/live?name=N         a bench's progress {cell, done, total}              (X-Class-Code)
 *   POST /api/runs?name=N         a results file as the JSON body → 201 {"id"}        (X-Class-Code)
 *   GET  /api/runs                [{id, name, machine, runId, …}]                       (X-Class-Code)
 *   GET  /api/runs/ID             one run's results file as it was uploaded            (X-Class-Code)
 *   POST /api/questions?relation=R  opens a question → 201 {"id"}                      (X-Class-Code)
 *   POST /api/answers?question=Q&name=N&value=V  a student's prediction → 201           (X-Class-Code)
 *
 * Every refusal is JSON {"error"} naming what was wrong: 403 without the right code, 400 for a bad field or an
 * invalid results file, 413 for a body over the limit, 429 when one address sends faster than the hub takes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { CONNECTIONS_CHECK_MS } from '../lib/http-bounds.js';
import { messageOf } from '../lib/errors.js';
import { readAnyVersion } from '../results/upgrade.js';
import { buildClassView, isRelationKey, renderedStamp } from '../reports/classroom/class-view.js';
import { renderClassPage } from '../reports/render.js';
import { loadAssets } from '../reports/assets.js';
import type { ClassStore } from './store.js';
import { TokenBuckets } from './rate-limit.js';
import { nameProblem } from '../lib/student-name.js';

/** A default run's file is about 0.6 MB; a full profile's a few MB. Far above that is not a results file. */
export const MAX_RESULTS_BYTES = 16 * 1024 * 1024;
const MAX_SMALL_BYTES = 4 * 1024;
/** A progress line older than this is a bench that stopped without saying so. */
const LIVE_FORGET_MS = 60_000;
/** Upload bodies held in memory at once, all uploads together: a class's thirty files fit many times over. */
const MAX_BUFFERED_BYTES = 128 * 1024 * 1024;
/** Runs kept under one name: a script that uploads in a loop fills its own quota, not the disk. */
const MAX_RUNS_PER_NAME = 20;
/** Students shown as running at once. */
const MAX_RUNNING = 500;

export interface HubOptions {
  readonly store: ClassStore;
  readonly code: string;
  /** The address students share to, for the page's "how to share" line. */
  readonly publicUrl: () => string;
  /** Uploads and answers an address may send at once, and then per second (a class behind one NAT shares them). */
  readonly burst?: number;
  readonly perSecond?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A student's name (lib/student-name.ts): slashes and markup are kept, as text. */
export function checkName(raw: string | null): string {
  const problem = nameProblem(raw ?? '');
  if (problem !== null) throw new HttpError(400, `name: ${problem}${problem === 'missing' ? ' (?name=…)' : ''}`);
  return (raw ?? '').trim();
}

function sameCode(given: string | undefined, code: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(code);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every answer of the hub: never cached (runs and answers change), never sniffed into another type. */
function headers(type: 'application/json' | 'text/html'): Record<string, string> {
  return { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, headers('application/json'));
  res.end(JSON.stringify(body));
}

const addressOf = (req: IncomingMessage): string => req.socket.remoteAddress ?? '?';

/** Bytes of request bodies held right now, by every request together. */
let buffered = 0;

/**
 * The request's body, refused with 413 as soon as it passes `limit` (by its Content-Length, or while it streams),
 * and with 429 when all the bodies being received at once would pass MAX_BUFFERED_BYTES: a flood of large uploads
 * costs the hub a bounded amount of memory.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.reject(new HttpError(413, `body: larger than ${limit} bytes`));
  if (buffered + declared > MAX_BUFFERED_BYTES) return Promise.reject(new HttpError(429, 'the hub is receiving too much at once: send again in a few seconds'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      buffered -= size;
    };
    const refuse = (error: HttpError): void => {
      finish();
      reject(error);
      req.removeAllListeners('data');
      req.resume();
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      buffered += chunk.length;
      if (size > limit) refuse(new HttpError(413, `body: larger than ${limit} bytes`));
      else if (buffered > MAX_BUFFERED_BYTES) refuse(new HttpError(429, 'the hub is receiving too much at once: send again in a few seconds'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      finish();
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      finish();
      reject(error);
    });
    req.on('close', finish);
  });
}

interface Progress {
  readonly line: string;
  readonly at: number;
}

export function createHub(options: HubOptions): Server {
  const { store, code } = options;
  const buckets = new TokenBuckets(options.burst ?? 60, options.perSecond ?? 2);
  const running = new Map<string, Progress>();
  /** What changed the class page: each added run, question or answer moves it on. */
  let version = 0;
  let page: { version: string; html: string } | null = null;

  // Wrong codes draw on their own bucket: guessing the code is as slow as flooding.
  const guesses = new TokenBuckets(20, 0.5);
  const requireCode = (req: IncomingMessage): void => {
    const given = req.headers['x-class-code'];
    if (sameCode(Array.isArray(given) ? given[0] : given, code)) return;
    if (!guesses.take(addressOf(req))) throw new HttpError(429, 'too many wrong codes from this address: wait a minute');
    throw new HttpError(403, 'X-Class-Code: missing or wrong class code');
  };
  // A bench reports at most once a second; hundreds a minute from one address is a script, not a class.
  const liveBuckets = new TokenBuckets(120, 10);
  const throttleLive = (req: IncomingMessage): void => {
    if (!liveBuckets.take(addressOf(req))) throw new HttpError(429, 'too many progress lines from this address');
  };
  const throttle = (req: IncomingMessage): void => {
    if (!buckets.take(addressOf(req))) throw new HttpError(429, 'too many requests from this address: wait a few seconds and send again');
  };

  const routes = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/') {
      // Built again only when a run, a question or an answer came in: a page view costs a lookup, not an analysis.
      const now = `${version}:${store.othersChanges()}`;
      if (page === null || page.version !== now) {
        const view = buildClassView(store.classRuns(), store.questions(), store.answers(), { live: true, renderedAt: renderedStamp(), shareUrl: options.publicUrl() });
        page = { version: now, html: renderClassPage(view, loadAssets()) };
      }
      const html = page.html;
      res.writeHead(200, headers('text/html'));
      res.end(html);
      return;
    }
    if (method === 'GET' && path === '/api/live') {
      const now = Date.now();
      for (const [name, p] of running) if (now - p.at > LIVE_FORGET_MS) running.delete(name);
      send(res, 200, [...running].map(([name, p]) => ({ name, line: p.line })));
      return;
    }
    if (method === 'POST' && path === '/api/live') {
      requireCode(req);
      const name = checkName(url.searchParams.get('name'));
      throttleLive(req);
      const parsed = parseJson(await readBody(req, MAX_SMALL_BYTES));
      if (typeof parsed !== 'object' || parsed === null) throw new HttpError(400, 'body: a JSON object {"line": …} is required');
      const body = parsed as { line?: unknown; done?: unknown };
      if (body.done === true) running.delete(name);
      else if (typeof body.line === 'string') {
        if (!running.has(name) && running.size >= MAX_RUNNING) throw new HttpError(429, 'too many benches running at once');
        running.set(name, { line: body.line.replace(/[\p{Cc}\p{Cf}]/gu, ' ').slice(0, 200), at: Date.now() });
      } else throw new HttpError(400, 'line: a text is required');
      res.writeHead(204).end();
      return;
    }
    if (method === 'POST' && path === '/api/runs') {
      requireCode(req);
      const name = checkName(url.searchParams.get('name'));
      throttle(req);
      const text = await readBody(req, MAX_RESULTS_BYTES);
      let results;
      try {
        results = readAnyVersion(parseJson(text));
      } catch (error: unknown) {
        if (error instanceof HttpError) throw error;
        throw new HttpError(400, messageOf(error));
      }
      if (store.runsNamed(name) >= MAX_RUNS_PER_NAME) throw new HttpError(429, `name: ${MAX_RUNS_PER_NAME} runs are kept under one name; share under another name or ask the teacher`);
      const id = store.addRun(name, results, text);
      version++;
      running.delete(name);
      send(res, 201, { id });
      return;
    }
    if (method === 'GET' && path === '/api/runs') {
      requireCode(req);
      send(res, 200, store.runs());
      return;
    }
    const one = /^\/api\/runs\/(\d{1,9})$/.exec(path);
    if (method === 'GET' && one !== null) {
      requireCode(req);
      const raw = store.rawRun(Number(one[1]));
      if (raw === null) throw new HttpError(404, `run ${one[1]}: no such run`);
      res.writeHead(200, headers('application/json'));
      res.end(raw);
      return;
    }
    if (method === 'POST' && path === '/api/questions') {
      requireCode(req);
      const relation = url.searchParams.get('relation') ?? '';
      if (!isRelationKey(relation)) throw new HttpError(400, 'relation: one of io, cpu, hello, start');
      const id = store.addQuestion(relation);
      version++;
      send(res, 201, { id });
      return;
    }
    if (method === 'POST' && path === '/api/answers') {
      requireCode(req);
      const name = checkName(url.searchParams.get('name'));
      const question = Number(url.searchParams.get('question'));
      if (!store.questions().some((q) => q.id === question)) throw new HttpError(400, 'question: no such question');
      const value = Number((url.searchParams.get('value') ?? '').replace(',', '.'));
      if (!Number.isFinite(value) || value <= 0 || value > 1e6) throw new HttpError(400, 'value: a positive number (a ratio, e.g. 12 or 0,5)');
      throttle(req);
      store.addAnswer(question, name, value);
      version++;
      send(res, 201, { ok: true });
      return;
    }
    throw new HttpError(method === 'GET' || method === 'POST' ? 404 : 405, `${method} ${path.slice(0, 80)}: not part of the hub's interface`);
  };

  const server = createServer({ headersTimeout: 10_000, requestTimeout: 60_000, connectionsCheckingInterval: CONNECTIONS_CHECK_MS }, (req, res) => {
    // A request target like `//a:99999/` is not a path new URL() can read: 400, never an exception out of the parser.
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://hub.invalid');
    } catch {
      send(res, 400, { error: 'path: not a path the hub can read' });
      return;
    }
    routes(req, res, url).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) console.error(`class: ${messageOf(error)}`);
      if (!res.headersSent) send(res, status, { error: status === 500 ? 'the hub failed on this request' : messageOf(error) });
      // A body refused midway: close the connection rather than read the rest of it.
      if (status === 413) req.socket.destroySoon();
    });
  });
  return server;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body: not JSON');
  }
}
