/**
 * The hub against a second hostile probe, with the class code only: look-alike names, a name's idempotency keys,
 * a file nested deep enough to kill its reader, what a stored run still gave away (a target's address, a share, an
 * e-mail), names claimed by the dozen from one address, and the teacher's remedy (a name given back). A student
 * here connects from 127.0.0.2, another address of this machine: the hub counts what one address does, except for
 * its own machine's (127.0.0.1, the teacher's).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.js';
import { startHub, type RunningHub } from '../helpers/hub.js';
import { sqliteDescribe } from '../helpers/sqlite.js';

const describe = sqliteDescribe();
const fileText = readFileSync(join(repoRoot, 'test', 'fixtures', 'default-run.json'), 'utf8');
type Fixture = Record<string, unknown> & { machine: Record<string, unknown>; options: Record<string, unknown>; warnings: { code: string; message: string }[] };

/** A student's machine: another loopback address than the hub's own. */
const student = new Agent({ localAddress: '127.0.0.2' });

interface Sent {
  readonly status: number;
  readonly body: { id?: number; token?: string; error?: string; repeated?: boolean };
}

async function send(hub: RunningHub, method: string, path: string, options: { body?: string; headers?: Record<string, string>; from?: Agent } = {}): Promise<Sent> {
  if (options.from !== undefined) {
    // undici's own request: Node's fetch may not take this package's dispatcher.
    const r = await request(new URL(path, hub.url), { method: method as 'POST', headers: { 'x-class-code': hub.code, 'content-type': 'application/json', ...options.headers }, body: options.body ?? null, dispatcher: options.from });
    return { status: r.statusCode, body: (await r.body.json().catch(() => ({}))) as Sent['body'] };
  }
  const r = await fetch(new URL(path, hub.url), { method, headers: { 'x-class-code': hub.code, 'content-type': 'application/json', ...options.headers }, ...(options.body === undefined ? {} : { body: options.body }) });
  return { status: r.status, body: (await r.json().catch(() => ({}))) as Sent['body'] };
}

const upload = (hub: RunningHub, name: string, body: string, headers: Record<string, string> = {}, from?: Agent): Promise<Sent> => send(hub, 'POST', `api/runs?name=${encodeURIComponent(name)}`, { body, headers, ...(from === undefined ? {} : { from }) });

let runs = 0;
const another = (change: (r: Fixture) => void = () => undefined): string => {
  const copy = JSON.parse(fileText) as Fixture;
  runs += 1;
  copy.runId = `2026-12-07T11-00-${String(10 + (runs % 50)).padStart(2, '0')}Z-${(8192 + runs).toString(16).slice(-4)}`;
  change(copy);
  return JSON.stringify(copy);
};

describe('a hostile student, with the class code only', () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startHub(mkdtempSync(join(tmpdir(), 'lab-hub-')), ['--teacher-code', 'teacher-secret-2']);
  });
  afterAll(async () => {
    await hub.stop();
    await student.close();
  });

  it('refuses invisible characters after a name, and takes look-alike letters for the name they imitate', async () => {
    expect((await upload(hub, 'alice', another())).status).toBe(201);
    for (const hidden of ['alice\u034f', 'alice\ufe00', 'alice\u{e0100}', 'alice\u17b4', 'alice\u2800', 'alice \u0301']) {
      const r = await upload(hub, hidden, another());
      expect(r.status, JSON.stringify(hidden)).toBe(400);
    }
    for (const lookAlike of ['аӏісе', 'ɑlice', 'alıce', 'ᴀʟɪᴄᴇ', 'ALICE']) {
      const r = await upload(hub, lookAlike, another());
      expect(r.status, lookAlike).toBe(403);
      expect(r.body.error).toMatch(/"alice" is taken/);
    }
    // An emoji sequence keeps its joiners; a name of another script is a name of its own.
    expect((await upload(hub, '👨‍👩‍👧', another())).status).toBe(201);
    expect((await upload(hub, 'Анна', another())).status).toBe(201);
  });

  it('keeps idempotency keys per name: another name’s key does not swallow a run', async () => {
    const mallory = await upload(hub, 'mallory', another(), { 'idempotency-key': 'victim-run' });
    const victim = await upload(hub, 'victim', another(), { 'idempotency-key': 'victim-run' });
    expect(mallory.status).toBe(201);
    expect(victim.status).toBe(201);
    expect(victim.body.repeated).toBeUndefined();
    expect(victim.body.id).not.toBe(mallory.body.id);
  });

  it('refuses a file nested thousands deep (400) without failing the next student’s upload', async () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const [bad, good] = await Promise.all([upload(hub, 'deep', deep), upload(hub, 'bob', another())]);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/nested more than/);
    expect(good.status).toBe(201);
  });

  it('refuses a body past its size limit (413) and answers that read ambiguously (400)', async () => {
    // Refused by its Content-Length, before the body: the answer comes while the client has sent headers only.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpRequest(new URL('api/runs?name=carol', hub.url), { method: 'POST', headers: { 'x-class-code': hub.code, 'content-length': String(9 * 1024 * 1024) } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(status).toBe(413);
    const q = await send(hub, 'POST', 'api/questions?relation=io', { headers: { 'x-teacher-code': 'teacher-secret-2' } });
    expect(q.status).toBe(201);
    const id = q.body.id ?? 0;
    const answer = (question: string, value: string): Promise<Sent> => send(hub, 'POST', `api/answers?question=${question}&name=dave&value=${encodeURIComponent(value)}`);
    expect((await answer(String(id), '1,000')).body.error).toMatch(/^value: "1,000" reads as a thousand or as one/);
    for (const question of [`${id}.0`, ` ${id}`, `0x${id.toString(16)}`, `${id}e0`]) expect((await answer(question, '2')).status, question).toBe(400);
    expect((await answer(String(id), '1,5')).status).toBe(201);
  });

  it('gives back no host, address, share or e-mail of the student in a stored run', async () => {
    const stored = await upload(
      hub,
      'erin',
      another((r) => {
        r.machine.hostname = 'erin-thinkpad';
        r.machine.os = 'Linux 6.1.0 ERIN-THINKPAD x86_64';
        r.options.target = 'http://erin-thinkpad.corp.example:8080/';
        r.remote = { url: 'http://10.0.0.42:3000/?user=erin', pid: 4242, rttMedianMs: 0.3, rttMinMs: 0.2, rttSamples: 20 };
        r.warnings.push({ code: 'machine', message: 'kept in \\\\fileserver\\erin\\lab, ~/lab, /data/erin/x, /HOME/erin/y, C:/Users/Erin/lab; erin@example.com at 192.168.1.23; /ws/echo at 3 req/s' });
      }),
    );
    expect(stored.status, stored.body.error).toBe(201);
    const back = await (await fetch(new URL(`api/runs/${stored.body.id ?? 0}`, hub.url), { headers: { 'x-class-code': hub.code } })).text();
    for (const secret of ['erin-thinkpad', 'ERIN-THINKPAD', 'corp.example', '10.0.0.42', 'user=erin', 'fileserver', '~/lab', '/data/erin', '/HOME/erin', 'Users/Erin', 'erin@example.com', '192.168.1.23']) expect(back, secret).not.toContain(secret);
    expect(back).toContain('http://<host>:8080/');
    expect(back).toContain('/ws/echo at 3 req/s');
  });

  it('lets one address claim a class’s worth of names, not a school’s (429), and the teacher give a name back', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 42; i++) statuses.push((await send(hub, 'POST', `api/live?name=fake${i}`, { body: '{"line":"x"}', from: student })).status);
    // Progress lines do not claim names; 40 of them at once from one address are the most it shows.
    expect(statuses.slice(0, 40).every((s) => s === 204)).toBe(true);
    expect(statuses.slice(40)).toEqual([429, 429]);
    const claims: number[] = [];
    for (let i = 0; i < 41; i++) claims.push((await upload(hub, `claimer${i}`, another(), {}, student)).status);
    expect(claims.slice(0, 40).every((s) => s === 201)).toBe(true);
    expect(claims[40]).toBe(429);
    // The hub's own machine is the teacher's: not counted.
    expect((await upload(hub, 'claimer41', another())).status).toBe(201);
    // A name claimed by the wrong student: the teacher gives it back, and its student claims it.
    expect((await send(hub, 'DELETE', 'api/names?name=claimer0')).status).toBe(403);
    expect((await send(hub, 'DELETE', 'api/names?name=claimer0', { headers: { 'x-teacher-code': 'teacher-secret-2' } })).status).toBe(200);
    const again = await upload(hub, 'claimer0', another());
    expect(again.status).toBe(201);
    expect(again.body.token).toMatch(/^[\w-]{20,}$/);
  });
});
