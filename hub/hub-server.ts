/**
 * The class hub's HTTP interface (the bench's --share speaks it; scripts may too), as one table: method, path, who
 * may call it, what it does. "class": the class code (X-Class-Code, or the cookie that `/?code=…` sets); "teacher":
 * the teacher code (X-Teacher-Code), which only the teacher's terminal printed. A student's name belongs to whoever
 * used it first: the hub gives them a token (X-Student-Token, or the cookie the page keeps), and anyone else gets 403.
 *
 * Every refusal is JSON {"error"} naming what was wrong: 403 without the right code or token, 400 for a bad field or
 * an invalid results file, 413 for a body over the limit, 429 when one address sends faster than the hub takes, 507
 * when the hub holds all it may.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { CONNECTIONS_CHECK_MS } from '../lib/http-bounds.js';
import { messageOf } from '../lib/errors.js';
import { currentLang, decimal, t } from '../lib/lang/lang.js';
import { nameKey, nameProblem } from '../lib/student-name.js';
import { buildClassView, isRelationKey, renderedStamp, type Together } from '../reports/classroom/class-view.js';
import { renderClassPage } from '../reports/render.js';
import { loadAssets } from '../reports/assets.js';
import { STORE_LIMITS, type ClassStore } from './store.js';
import { TokenBuckets } from './rate-limit.js';
import type { IntakeOutcome } from './intake.js';

/** A default run's file is about 0.3 MB; a full profile's about 1 MB. Far above that is not a results file. */
export const MAX_RESULTS_BYTES = 8 * 1024 * 1024;
const MAX_SMALL_BYTES = 4 * 1024;
/** A progress line older than this is a bench that stopped without saying so. */
const LIVE_FORGET_MS = 60_000;
/**
 * Upload bodies held in memory at once, all uploads together, from their first byte until the intake thread has
 * read them: a class's thirty files fit many times over; a flood waits its turn (429) instead of swelling the hub.
 */
const MAX_BUFFERED_BYTES = 128 * 1024 * 1024;
/** Runs and bytes kept under one name: a script that uploads in a loop fills its own quota, not the disk. */
const MAX_RUNS_PER_NAME = 20;
const MAX_BYTES_PER_NAME = 24 * 1024 * 1024;
/** Students shown as running at once, all together and from one address. */
const MAX_RUNNING = 500;
const MAX_RUNNING_PER_ADDRESS = 40;
/**
 * What one address may do, beyond the request buckets: uploads received at once, connections open, names claimed
 * (a bucket: 40 at once — a class behind one NAT —, then one a minute), bytes stored (160 MB, then 180 MB an hour).
 * The hub's own machine (127.0.0.1, ::1) is the teacher's and is not counted.
 */
const PER_ADDRESS = { uploads: 4, connections: 256, names: 40, namesPerSecond: 1 / 60, bytes: 160 * 1024 * 1024, bytesPerSecond: 50 * 1024 } as const;
/** A connection idle this long (no request yet, or between requests) is closed: open sockets cost the hub a file each. */
const IDLE_MS = 30_000;
/** A whole request, body included: an 8 MB upload on a slow school network takes a few seconds, not twenty. */
const REQUEST_MS = 20_000;
/** A prediction: a plain decimal (no exponent, no hexadecimal), within what a relation between two models can be. */
const ANSWER = /^\d{1,6}(?:[.,]\d{1,6})?$/;
export const ANSWER_RANGE = { min: 0.001, max: 100_000 } as const;

export interface HubOptions {
  readonly store: ClassStore;
  readonly code: string;
  readonly teacherCode: string;
  /** The address students share to, for the page's "how to share" line. */
  readonly publicUrl: () => string;
  /** Reads, validates and summarises an upload, off the hub's event loop (hub/intake-worker.ts). */
  readonly intake: (text: string) => Promise<IntakeOutcome>;
  /** The teacher's server and broker (--target, --broker): the page shows the students how to load it together. */
  readonly together?: Together;
  /** The most runs the hub keeps (--max-runs): past it, an upload gets 507. */
  readonly maxRuns?: number;
  /** Uploads and answers an address may send at once, and then per second (a class behind one NAT shares them). */
  readonly burst?: number;
  readonly perSecond?: number;
}

/** The hub's own machine: what it does is the teacher's (tests and --add run there too). */
const isOwnMachine = (address: string): boolean => address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A student's name (lib/student-name.ts): kept as text, compared by its key. */
export function checkName(raw: string | null): { readonly name: string; readonly key: string } {
  const problem = nameProblem(raw ?? '');
  if (problem !== null) throw new HttpError(400, problem === 'missing' ? t('cls.err.nameMissing') : t('cls.err.name', { problem }));
  const name = (raw ?? '').trim();
  return { name, key: nameKey(name) };
}

function same(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every answer of the hub: never cached (runs and answers change), never sniffed into another type. */
function headers(type: 'application/json' | 'text/html'): Record<string, string> {
  return { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
}

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers('application/json'), ...extra });
  res.end(JSON.stringify(body));
}

const addressOf = (req: IncomingMessage): string => req.socket.remoteAddress ?? '?';

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** HttpOnly: no script reads it; SameSite=Strict: no other site's page sends it. */
const cookieLine = (name: string, value: string): string => `${name}=${encodeURIComponent(value)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000`;

/** Bytes of request bodies held right now, by every request together. */
let buffered = 0;

/**
 * The request's body, refused with 413 as soon as it passes `limit` (by its Content-Length, or while it streams),
 * and with 429 when all the bodies being received at once would pass MAX_BUFFERED_BYTES: a flood of large uploads
 * costs the hub a bounded amount of memory. `hold`: the body's bytes stay counted after it arrived, until the
 * caller gives them back (an upload, until its intake is done).
 */
function readBody(req: IncomingMessage, limit: number, hold?: { release: () => void }): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.reject(new HttpError(413, t('cls.err.tooLarge', { n: String(limit) })));
  if (buffered + declared > MAX_BUFFERED_BYTES) return Promise.reject(new HttpError(429, t('cls.err.busy')));
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
      if (size > limit) refuse(new HttpError(413, t('cls.err.tooLarge', { n: String(limit) })));
      else if (buffered > MAX_BUFFERED_BYTES) refuse(new HttpError(429, t('cls.err.busy')));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      if (hold === undefined) finish();
      else {
        done = true;
        hold.release = () => {
          buffered -= size;
          size = 0;
        };
      }
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    // A client that goes away mid-body (or a body cut off by the request timeout) is that client's affair: a 400 it
    // will not read, nothing on the teacher's terminal.
    req.on('error', () => {
      finish();
      reject(new HttpError(400, t('cls.err.cutOff')));
    });
    req.on('close', finish);
  });
}

interface Progress {
  readonly line: string;
  readonly at: number;
}

/** Who may call a route. */
type Access = 'page' | 'class' | 'teacher';

interface Call {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** The path's captured id, for /api/runs/ID and /api/questions/ID. */
  readonly id: number;
}

interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string | RegExp;
  readonly access: Access;
  handle(call: Call): Promise<void> | void;
}

export function createHub(options: HubOptions): Server {
  const { store, code, teacherCode } = options;
  const buckets = new TokenBuckets(options.burst ?? 60, options.perSecond ?? 2);
  const nameClaims = new TokenBuckets(PER_ADDRESS.names, PER_ADDRESS.namesPerSecond);
  const storedBytes = new TokenBuckets(PER_ADDRESS.bytes, PER_ADDRESS.bytesPerSecond);
  const uploading = new Map<string, number>();
  const running = new Map<string, Progress & { readonly name: string; readonly address: string }>();
  /** What changed the class page: each added run, question or answer moves it on. */
  let version = 0;
  let page: { version: string; html: string } | null = null;

  // Wrong codes draw on their own bucket: guessing a code is as slow as flooding.
  const guesses = new TokenBuckets(20, 0.5);
  const guessed = (req: IncomingMessage): void => {
    if (!guesses.take(addressOf(req))) throw new HttpError(429, t('cls.err.guesses'));
  };
  const hasClassCode = (req: IncomingMessage): boolean => same(header(req, 'x-class-code') ?? cookie(req, 'lab_code'), code);
  const allow = (req: IncomingMessage, access: Access): void => {
    if (access === 'page') return;
    if (access === 'teacher') {
      if (same(header(req, 'x-teacher-code'), teacherCode)) return;
      guessed(req);
      throw new HttpError(403, t('cls.err.teacher'));
    }
    if (hasClassCode(req)) return;
    guessed(req);
    throw new HttpError(403, t('cls.err.class'));
  };
  // A bench reports at most once a second; hundreds a minute from one address is a script, not a class.
  const liveBuckets = new TokenBuckets(120, 10);
  const throttle = (req: IncomingMessage, bucket: TokenBuckets = buckets): void => {
    if (!bucket.take(addressOf(req))) throw new HttpError(429, t('cls.err.throttled'));
  };
  /**
   * The name's owner must show its token; a free name is claimed by this call (`claim`), and its token is returned.
   * What a call that is refused claims: nothing.
   */
  /** A free name is claimed: from another machine than the hub's, within the address's bucket of names. */
  const claimFree = (req: IncomingMessage, key: string, name: string): string | null => {
    if (store.owner(key) !== null) return null;
    const address = addressOf(req);
    if (!isOwnMachine(address) && !nameClaims.take(address)) throw new HttpError(429, t('cls.err.manyNames'));
    return store.claim(key, name);
  };
  const ownName = (req: IncomingMessage, raw: string | null): { name: string; key: string; token: string | null } => {
    const { name, key } = checkName(raw);
    const owner = store.owner(key);
    if (owner === null) return { name, key, token: null };
    if (store.tokenMatches(key, header(req, 'x-student-token') ?? cookie(req, 'lab_token'))) return { name: owner, key, token: null };
    throw new HttpError(403, t('cls.err.taken', { owner }));
  };
  const changed = (): void => {
    version += 1;
  };

  const routes: readonly Route[] = [
    {
      method: 'GET',
      path: '/',
      access: 'page',
      handle({ req, res, url }) {
        // The link the hub printed (/?code=…) keeps the code in a cookie and comes back without it in the address bar.
        const given = url.searchParams.get('code');
        if (given !== null) {
          if (!same(given, code)) {
            guessed(req);
            throw new HttpError(403, t('cls.err.code'));
          }
          res.writeHead(303, { location: '/', 'set-cookie': cookieLine('lab_code', code), 'cache-control': 'no-store' });
          res.end();
          return;
        }
        if (!hasClassCode(req)) {
          res.writeHead(403, headers('text/html'));
          res.end(`<!doctype html><html lang="${currentLang()}"><meta charset="utf-8"><title>${t('class.needCodeTitle')}</title><p>${t('class.needCode')}</p>`);
          return;
        }
        // Built again only when a run, a question or an answer came in: a page view costs a lookup, not an analysis.
        const now = `${version}:${store.othersChanges()}`;
        if (page === null || page.version !== now) {
          const students = store.students();
          const view = buildClassView(students, store.questions(), store.answers(), { live: true, renderedAt: renderedStamp(), shareUrl: options.publicUrl(), runs: store.totals().runs, ...(options.together === undefined ? {} : { together: options.together }) });
          page = { version: now, html: renderClassPage(view, loadAssets()) };
        }
        res.writeHead(200, headers('text/html'));
        res.end(page.html);
      },
    },
    {
      method: 'GET',
      path: '/api/live',
      access: 'class',
      handle({ res }) {
        const now = Date.now();
        for (const [key, p] of running) if (now - p.at > LIVE_FORGET_MS) running.delete(key);
        send(res, 200, [...running.values()].map((p) => ({ name: p.name, line: p.line })));
      },
    },
    {
      method: 'POST',
      path: '/api/live',
      access: 'class',
      async handle({ req, res, url }) {
        throttle(req, liveBuckets);
        const { name, key } = ownName(req, url.searchParams.get('name'));
        const parsed = parseJson(await readBody(req, MAX_SMALL_BYTES));
        if (typeof parsed !== 'object' || parsed === null) throw new HttpError(400, t('cls.err.liveBody'));
        const body = parsed as { line?: unknown; done?: unknown };
        if (body.done === true) running.delete(key);
        else if (typeof body.line === 'string') {
          const address = addressOf(req);
          if (!running.has(key)) {
            const fromHere = isOwnMachine(address) ? 0 : [...running.values()].filter((p) => p.address === address).length;
            if (running.size >= MAX_RUNNING || fromHere >= MAX_RUNNING_PER_ADDRESS) throw new HttpError(429, t('cls.err.running'));
          }
          running.set(key, { name, address, line: body.line.replace(/[\p{Cc}\p{Cf}]/gu, ' ').slice(0, 200), at: Date.now() });
        } else throw new HttpError(400, t('cls.err.line'));
        res.writeHead(204).end();
      },
    },
    {
      method: 'POST',
      path: '/api/runs',
      access: 'class',
      async handle({ req, res, url }) {
        throttle(req);
        if (!store.uploadsOpen()) throw new HttpError(403, t('cls.err.closed'));
        const owned = ownName(req, url.searchParams.get('name'));
        // A retry of an upload whose answer was lost: the run it stored, not a second copy.
        const idempotency = header(req, 'idempotency-key') ?? null;
        if (idempotency !== null && !/^[\w.:-]{1,100}$/.test(idempotency)) throw new HttpError(400, t('cls.err.idempotency'));
        const earlier = idempotency === null ? null : store.runByIdempotency(owned.key, idempotency);
        if (earlier !== null) {
          req.resume();
          send(res, 200, { id: earlier, repeated: true });
          return;
        }
        const used = store.usedBy(owned.key);
        if (used.runs >= MAX_RUNS_PER_NAME || used.bytes >= MAX_BYTES_PER_NAME) throw new HttpError(429, t('cls.err.perName', { n: MAX_RUNS_PER_NAME, mb: MAX_BYTES_PER_NAME / 1024 / 1024 }));
        const totals = store.totals();
        const maxRuns = options.maxRuns ?? STORE_LIMITS.runs;
        if (totals.runs >= maxRuns || totals.bytes >= STORE_LIMITS.bytes) {
          throw new HttpError(507, t('cls.err.full', { runs: String(maxRuns), mb: String(STORE_LIMITS.bytes / 1024 / 1024) }));
        }
        const address = addressOf(req);
        const own = isOwnMachine(address);
        if (!own && (uploading.get(address) ?? 0) >= PER_ADDRESS.uploads) throw new HttpError(429, t('cls.err.manyUploads'));
        uploading.set(address, (uploading.get(address) ?? 0) + 1);
        const held = { release: (): void => undefined };
        let taken: IntakeOutcome;
        try {
          const body = await readBody(req, MAX_RESULTS_BYTES, held);
          if (!own && !storedBytes.take(address, Buffer.byteLength(body))) throw new HttpError(429, t('cls.err.manyBytes'));
          taken = await options.intake(body);
        } finally {
          held.release();
          const n = (uploading.get(address) ?? 1) - 1;
          if (n === 0) uploading.delete(address);
          else uploading.set(address, n);
        }
        if ('error' in taken) throw new HttpError(400, taken.error);
        // Claimed now, with the upload it came with: a refused upload claims nothing.
        const token = claimFree(req, owned.key, owned.name);
        const id = store.addRun(owned.key, taken, idempotency);
        changed();
        running.delete(owned.key);
        send(res, 201, { id, ...(token === null ? {} : { token }) });
      },
    },
    {
      method: 'GET',
      path: '/api/runs',
      access: 'class',
      handle({ res }) {
        send(res, 200, store.runs());
      },
    },
    {
      method: 'GET',
      path: /^\/api\/runs\/(\d{1,9})$/,
      access: 'class',
      handle({ res, id }) {
        const raw = store.rawRun(id);
        if (raw === null) throw new HttpError(404, t('cls.err.noRun', { id: String(id) }));
        res.writeHead(200, headers('application/json'));
        res.end(raw);
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/runs\/(\d{1,9})$/,
      access: 'teacher',
      handle({ res, id }) {
        if (!store.removeRun(id)) throw new HttpError(404, t('cls.err.noRun', { id: String(id) }));
        changed();
        send(res, 200, { removed: id });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/runs\/(\d{1,9})\/hide$/,
      access: 'teacher',
      handle({ res, url, id }) {
        const hidden = url.searchParams.get('hidden') !== '0';
        if (!store.hideRun(id, hidden)) throw new HttpError(404, t('cls.err.noRun', { id: String(id) }));
        changed();
        send(res, 200, { id, hidden });
      },
    },
    {
      method: 'POST',
      path: '/api/uploads',
      access: 'teacher',
      handle({ res, url }) {
        const open = url.searchParams.get('open');
        if (open !== '0' && open !== '1') throw new HttpError(400, t('cls.err.open'));
        store.setUploadsOpen(open === '1');
        send(res, 200, { open: open === '1' });
      },
    },
    {
      method: 'DELETE',
      path: '/api/names',
      access: 'teacher',
      handle({ res, url }) {
        const { key } = checkName(url.searchParams.get('name'));
        if (!store.releaseName(key)) throw new HttpError(404, t('cls.err.nameFree'));
        send(res, 200, { released: true });
      },
    },
    {
      method: 'POST',
      path: '/api/questions',
      access: 'teacher',
      handle({ req, res, url }) {
        throttle(req);
        const relation = url.searchParams.get('relation') ?? '';
        if (!isRelationKey(relation)) throw new HttpError(400, t('cls.err.relation'));
        const id = store.addQuestion(relation);
        changed();
        send(res, 201, { id });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/questions\/(\d{1,9})\/close$/,
      access: 'teacher',
      handle({ res, id }) {
        if (!store.closeQuestion(id)) throw new HttpError(404, t('cls.err.noQuestion', { id: String(id) }));
        changed();
        send(res, 200, { closed: id });
      },
    },
    {
      method: 'POST',
      path: '/api/answers',
      access: 'class',
      handle({ req, res, url }) {
        // Throttled first: a wrong answer costs as much as a right one, so guessing is as slow as flooding.
        throttle(req);
        const given = url.searchParams.get('question') ?? '';
        const question = /^[1-9]\d{0,8}$/.test(given) ? Number(given) : Number.NaN;
        if (!store.questions().some((q) => q.id === question)) throw new HttpError(400, t('cls.err.noOpenQuestion'));
        const raw = url.searchParams.get('value') ?? '';
        // "1,000" is a thousand to an English reader and one to a French one: neither is guessed.
        if (/^\d{1,3},\d{3}$/.test(raw)) throw new HttpError(400, t('cls.err.ambiguous', { value: JSON.stringify(raw) }));
        const value = ANSWER.test(raw) ? Number(raw.replace(',', '.')) : Number.NaN;
        if (!(value >= ANSWER_RANGE.min && value <= ANSWER_RANGE.max)) throw new HttpError(400, t('cls.err.value', { min: decimal(String(ANSWER_RANGE.min)), max: String(ANSWER_RANGE.max), got: JSON.stringify(raw.slice(0, 20)) }));
        const owned = ownName(req, url.searchParams.get('name'));
        const token = claimFree(req, owned.key, owned.name);
        store.addAnswer(question, store.owner(owned.key) ?? owned.name, value);
        changed();
        send(res, 201, { ok: true, ...(token === null ? {} : { token }) }, token === null ? {} : { 'set-cookie': cookieLine('lab_token', token) });
      },
    },
  ];

  const server = createServer({ headersTimeout: 10_000, requestTimeout: REQUEST_MS, connectionsCheckingInterval: CONNECTIONS_CHECK_MS }, (req, res) => {
    // A request target like `//a:99999/` is not a path new URL() can read: 400, never an exception out of the parser.
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://hub.invalid');
    } catch {
      send(res, 400, { error: t('cls.err.path') });
      return;
    }
    const method = req.method ?? 'GET';
    const call = async (): Promise<void> => {
      const matches = routes.map((r) => ({ r, m: typeof r.path === 'string' ? (r.path === url.pathname ? [url.pathname] : null) : r.path.exec(url.pathname) })).filter((x) => x.m !== null);
      const route = matches.find((x) => x.r.method === method);
      if (route === undefined) {
        if (matches.length > 0) throw new HttpError(405, t('cls.err.method', { method, path: url.pathname.slice(0, 80), allowed: matches.map((x) => x.r.method).join(', ') }));
        throw new HttpError(404, t('cls.err.route', { method, path: url.pathname.slice(0, 80) }));
      }
      allow(req, route.r.access);
      await route.r.handle({ req, res, url, id: Number(route.m?.[1] ?? 0) });
    };
    call().catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) console.error(`class: ${messageOf(error)}`);
      if (!res.headersSent) send(res, status, { error: status === 500 ? t('cls.err.failed') : messageOf(error) });
      // A body refused midway: close the connection rather than read the rest of it.
      if (status === 413) req.socket.destroySoon();
    });
  });
  // A socket that sends no request is closed after IDLE_MS (Node's header timeout starts with the first byte only, and
  // its socket timeout did not fire past 10 s with the server's request timeouts set: tried on Node 20), and one address
  // holds at most PER_ADDRESS.connections: a thousand silent sockets cannot take the hub's files. Between requests,
  // Node's keep-alive timeout closes an idle socket.
  const silent = new WeakMap<Socket, NodeJS.Timeout>();
  server.on('request', (req: IncomingMessage) => {
    clearTimeout(silent.get(req.socket));
  });
  const sockets = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), IDLE_MS);
    timer.unref();
    silent.set(socket, timer);
    socket.once('close', () => { clearTimeout(timer); });
    const address = socket.remoteAddress ?? '?';
    if (isOwnMachine(address)) return;
    const n = (sockets.get(address) ?? 0) + 1;
    if (n > PER_ADDRESS.connections) {
      socket.destroy();
      return;
    }
    sockets.set(address, n);
    socket.once('close', () => {
      const left = (sockets.get(address) ?? 1) - 1;
      if (left === 0) sockets.delete(address);
      else sockets.set(address, left);
    });
  });
  return server;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, t('cls.err.notJson'));
  }
}
