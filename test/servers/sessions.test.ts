/**
 * The course's cookie counter (`GET /visits`): the store's rules, and where the counts live. Under a cluster,
 * `--sessions local` is the classic bug (each process counts its own), `--sessions shared` the fix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SessionMap, isSessionId, sessionCookie, sessionFromCookie } from '../../servers/app/sessions.js';
import { jsonOf, rawRequest } from '../helpers/http.js';
import { serveWith, type ServedModel } from '../helpers/serve.js';

describe('the session store', () => {
  it('counts a known session, and makes a new one for anything else', () => {
    const store = new SessionMap();
    const first = store.visit(null);
    expect(isSessionId(first.session)).toBe(true);
    expect(first.visits).toBe(1);
    expect(store.visit(first.session)).toEqual({ session: first.session, visits: 2 });
    for (const forged of ['0'.repeat(32), 'nope', '', first.session.toUpperCase()]) {
      const visit = store.visit(forged);
      expect(visit.visits).toBe(1);
      expect(visit.session).not.toBe(forged);
    }
  });

  it('forgets the session unseen for longest beyond its capacity', () => {
    const store = new SessionMap(3);
    const a = store.visit(null).session;
    const b = store.visit(null).session;
    store.visit(null);
    store.visit(a); // a is now the most recent: b is the oldest
    store.visit(null);
    expect(store.size).toBe(3);
    expect(store.visit(a).visits).toBe(3);
    expect(store.visit(b).visits).toBe(1); // forgotten: a new session
  });

  it('reads its cookie among others, and refuses malformed ones', () => {
    const id = 'ab'.repeat(16);
    expect(sessionFromCookie(`a=1; lab_session=${id}; b=2`)).toBe(id);
    expect(sessionFromCookie(sessionCookie(id))).toBe(id);
    expect(sessionFromCookie(undefined)).toBeNull();
    expect(sessionFromCookie(`lab_session=${id}x`)).toBeNull();
    expect(sessionFromCookie(`lab_session=${id.slice(1)}`)).toBeNull();
    expect(sessionFromCookie(`lab_session=${id.toUpperCase()}`)).toBeNull();
    expect(sessionFromCookie('lab_session')).toBeNull();
    // Wherever it stands: after 4 KB and more of other cookies, after a malformed one of the same name.
    expect(sessionFromCookie(`x=${'y'.repeat(5000)}; lab_session=${id}`)).toBe(id);
    expect(sessionFromCookie(`${Array.from({ length: 300 }, (_, i) => `c${i}=${'v'.repeat(30)}`).join('; ')}; lab_session=${id}`)).toBe(id);
    expect(sessionFromCookie(`lab_session=forged; lab_session=${id}`)).toBe(id);
  });

  it('a server counts on a session whose cookie comes after 4 KB of other cookies', async () => {
    const served = await serveWith(['event-loop']);
    try {
      const others = Array.from({ length: 150 }, (_, i) => `pref${i}=${'v'.repeat(30)}`).join('; ');
      const first = await rawRequest(served.url, '/visits');
      const cookie = (first.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
      expect(others.length).toBeGreaterThan(4096);
      const second = await rawRequest(served.url, '/visits', { headers: { cookie: `${others}; ${cookie}` } });
      expect(jsonOf(second)).toEqual({ visits: 2 });
      expect(second.headers['set-cookie']).toBeUndefined();
    } finally {
      await served.stop();
    }
  });
});

describe('where sessions live: 20 visits, each on a new connection', () => {
  let served: ServedModel | undefined;
  afterEach(async () => {
    await served?.stop();
    served = undefined;
  });

  /** Visits 20 times as a browser would: each answer's Set-Cookie replaces the cookie it sends next. */
  async function twentyVisits(url: string): Promise<{ counts: number[]; cookiesSet: number }> {
    let cookie: string | undefined;
    let cookiesSet = 0;
    const counts: number[] = [];
    for (let i = 0; i < 20; i++) {
      // rawRequest opens a new connection each time: the cluster's round robin hands it to either process.
      const response = await rawRequest(url, '/visits', cookie === undefined ? {} : { headers: { cookie } });
      expect(response.status).toBe(200);
      counts.push((jsonOf(response) as { visits: number }).visits);
      const set = response.headers['set-cookie']?.[0];
      if (set !== undefined) {
        cookiesSet += 1;
        cookie = set.split(';')[0];
      }
    }
    return { counts, cookiesSet };
  }

  it('--sessions shared counts 1…20: the primary keeps the one store', async () => {
    served = await serveWith(['cluster', '--processes', '2', '--sessions', 'shared']);
    expect(served.listening.sessions).toBe('shared');
    const { counts, cookiesSet } = await twentyVisits(served.url);
    expect(counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(cookiesSet).toBe(1);
  });

  it('--sessions local loses counts: each process knows only the sessions it made', async () => {
    served = await serveWith(['cluster', '--processes', '2', '--sessions', 'local']);
    const { counts, cookiesSet } = await twentyVisits(served.url);
    // The other process does not know the cookie: it starts a new session, and the count starts again.
    expect(Math.max(...counts)).toBeLessThan(20);
    expect(counts.filter((n) => n === 1).length).toBeGreaterThan(1);
    expect(cookiesSet).toBeGreaterThan(1);
  });

  // A request's thread or process lives for that request only: its local map never counts past 1.
  it.each(['thread-per-request', 'process-per-request'])('%s --sessions local counts 1 every time; shared counts on', async (model) => {
    served = await serveWith([model, '--sessions', 'local']);
    expect((await twentyVisits(served.url)).counts).toEqual(Array.from({ length: 20 }, () => 1));
    await served.stop();
    served = await serveWith([model, '--sessions', 'shared']);
    expect((await twentyVisits(served.url)).counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  // Sequential visits to a pool often land on the same idle thread, so local sessions may look right there:
  // the bug shows under concurrent load. Shared sessions must count right whichever thread answers.
  it('worker-pool --sessions shared counts 1…20 through its main thread', async () => {
    served = await serveWith(['worker-pool', '--threads', '2', '--sessions', 'shared']);
    expect((await twentyVisits(served.url)).counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
