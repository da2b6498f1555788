import { randomBytes } from 'node:crypto';

/**
 * The course's cookie counter keeps one count per session. Where the counts live is the server's choice (see
 * servers/sessions/): this module holds what every place shares: the id format, the cookie, and one store.
 */
export const SESSION_COOKIE = 'lab_session';
/** 16 random bytes, hex: unguessable, and a shape simple enough to check before any lookup. */
const SESSION_ID = /^[0-9a-f]{32}$/;
/** Beyond this many sessions the oldest is forgotten: a client minting cookies cannot grow the store forever. */
export const MAX_SESSIONS = 100_000;

/** One visit: the session it counted for (a new one when the cookie was missing or not ours) and its count. */
export interface Visit {
  readonly session: string;
  readonly visits: number;
}

/** A store the blocking interpreter can use: it answers at once. */
export interface SessionStore {
  visit(session: string | null): Visit;
}

/** What the async interpreter can use: a store here, or one in another process, asked over IPC. */
export interface SessionAccess {
  visit(session: string | null): Visit | Promise<Visit>;
}

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID.test(value);
}

/** Checks a visit that crossed a thread or process boundary: whatever arrives is data to validate. */
export function isVisit(value: unknown): value is Visit {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof Visit, unknown>>;
  return isSessionId(v.session) && typeof v.visits === 'number' && Number.isSafeInteger(v.visits) && v.visits >= 1;
}

/**
 * The session id of a Cookie header wherever it stands in it, or null when it has none of our making (the first
 * `lab_session` whose value is one of our ids counts: a browser sends the most specific cookie first). The header's
 * length is bounded by Node.js (16 KiB of headers in all), and the scan is one pass over it.
 */
export function sessionFromCookie(header: string | undefined): string | null {
  if (header === undefined) return null;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(eq + 1).trim();
    if (isSessionId(value)) return value;
  }
  return null;
}

export function sessionCookie(session: string): string {
  return `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Lax; Path=/`;
}

/**
 * One map of counts, oldest first (a Map keeps insertion order; a visit moves its session to the end), so
 * that beyond `capacity` the session unseen for longest is the one forgotten.
 */
export class SessionMap implements SessionStore {
  private readonly counts = new Map<string, number>();

  constructor(private readonly capacity: number = MAX_SESSIONS) {}

  get size(): number {
    return this.counts.size;
  }

  visit(session: string | null): Visit {
    const known = session === null || !isSessionId(session) ? undefined : this.counts.get(session);
    if (session !== null && known !== undefined) {
      const visits = Math.min(known + 1, Number.MAX_SAFE_INTEGER);
      this.counts.delete(session);
      this.counts.set(session, visits);
      return { session, visits };
    }
    // An unknown id (forged, expired, or from before a restart) is never adopted: the server makes a new one.
    const fresh = randomBytes(16).toString('hex');
    this.counts.set(fresh, 1);
    if (this.counts.size > this.capacity) {
      const oldest = this.counts.keys().next();
      if (oldest.done !== true) this.counts.delete(oldest.value);
    }
    return { session: fresh, visits: 1 };
  }
}

/** This process's or thread's own store: `--sessions local`, and every model with only one thread. */
export const localSessions = new SessionMap();
