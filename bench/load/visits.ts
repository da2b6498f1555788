/**
 * The session workload's client side: each simulated client keeps its cookie as a browser does (every
 * Set-Cookie replaces it) and remembers the count it last saw. The next answer must say that count + 1; any
 * other count is a lost update: the visit landed in a store that did not know the cookie (a cluster process or
 * a pool thread with its own map under --sessions local), which started the count again.
 */

/** One client's session, as its browser would hold it. */
export interface Visitor {
  /** `name=value` of the last Set-Cookie, sent back with every visit; null before the first answer. */
  cookie: string | null;
  /** The count of the last answer. */
  visits: number;
}

export function newVisitor(): Visitor {
  return { cookie: null, visits: 0 };
}

function visitsOf(body: string): number | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || !('visits' in parsed)) return null;
    const { visits } = parsed;
    return typeof visits === 'number' && Number.isSafeInteger(visits) && visits >= 1 ? visits : null;
  } catch {
    return null;
  }
}

/**
 * Reads one answer to `GET /visits` for this client and updates it; true when the count is not the previous + 1
 * (1 for a client without a cookie yet). An answer that is not a 200 with a count is not a visit: it changes
 * nothing (it is counted as non-2xx or as an error elsewhere).
 */
export function recordVisit(visitor: Visitor, status: number, body: string, setCookie: string | undefined): boolean {
  const visits = status === 200 ? visitsOf(body) : null;
  if (visits === null) return false;
  const expected = visitor.cookie === null ? 1 : visitor.visits + 1;
  const pair = setCookie?.split(';')[0]?.trim();
  if (pair !== undefined && pair !== '') visitor.cookie = pair;
  visitor.visits = visits;
  return visits !== expected;
}

/** The first Set-Cookie of a header map whose names may have any case (autocannon keeps them raw). */
export function setCookieOf(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'set-cookie') continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
