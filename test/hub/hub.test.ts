/**
 * The class hub's interface against its users and its intruders: thirty uploads at once, wrong codes, huge and
 * invalid bodies, names with markup, a flood, a restart. Every hub here is a real process on a free port.
 */
import { request } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.js';
import { classCommand, classPage, startHub, type RunningHub } from '../helpers/hub.js';
import { sqliteDescribe } from '../helpers/sqlite.js';

const describe = sqliteDescribe();

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'default-run.json');
const fileText = readFileSync(FIXTURE, 'utf8');

function upload(hub: RunningHub, name: string, body: string, code = hub.code): Promise<Response> {
  return fetch(new URL(`api/runs?name=${encodeURIComponent(name)}`, hub.url), { method: 'POST', headers: { 'x-class-code': code, 'content-type': 'application/json' }, body });
}

function list(hub: RunningHub, code = hub.code): Promise<Response> {
  return fetch(new URL('api/runs', hub.url), { headers: { 'x-class-code': code } });
}

describe('a class hub', () => {
  let data: string;
  let hub: RunningHub;
  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), 'lab-hub-'));
    hub = await startHub(data, ['--code', 'room-42']);
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('says where it listens and with which code, on 127.0.0.1 unless told', () => {
    expect(hub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(hub.code).toBe('room-42');
  });

  it('takes 30 uploads sent at the same moment: 30 runs, 30 ids', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => upload(hub, `student ${i + 1}`, fileText)));
    expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 30 }, () => 201));
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { id: number }).id));
    expect(new Set(ids).size).toBe(30);
    const runs = (await (await list(hub)).json()) as { id: number; name: string; runId: string; machine: { cpuModel: string } }[];
    expect(runs).toHaveLength(30);
    expect(runs.map((r) => r.name).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `student ${i + 1}`).sort());
    expect(runs[0]?.machine.cpuModel).toBe((JSON.parse(fileText) as { machine: { cpuModel: string } }).machine.cpuModel);
  });

  it('refuses a wrong or missing code with 403, for uploads, the list and a raw file', async () => {
    const wrong = await upload(hub, 'mallory', fileText, 'room-43');
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: string }).error).toContain('X-Class-Code');
    expect((await list(hub, '')).status).toBe(403);
    expect((await fetch(new URL('api/runs/1', hub.url))).status).toBe(403);
    const raw = await fetch(new URL('api/runs/1', hub.url), { headers: { 'x-class-code': hub.code } });
    expect(raw.status).toBe(200);
    expect(((await raw.json()) as { runId: string }).runId).toBe((JSON.parse(fileText) as { runId: string }).runId);
  });

  it('refuses a 50 MB body with 413 before reading it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const size = 50 * 1024 * 1024;
      const url = new URL(`api/runs?name=big`, hub.url);
      const req = request(url, { method: 'POST', headers: { 'x-class-code': hub.code, 'content-type': 'application/json', 'content-length': String(size) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // Start sending; the hub answers from the declared length and closes.
      req.write(Buffer.alloc(64 * 1024, 32));
    });
    expect(status).toBe(413);
  });

  it('refuses a body that grows past the limit while it streams (no length declared) with 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('api/runs?name=big', hub.url), { method: 'POST', headers: { 'x-class-code': hub.code, 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => undefined);
      const chunk = Buffer.alloc(1024 * 1024, 32);
      let sent = 0;
      const pump = (): void => {
        while (sent < 40 && req.write(chunk)) sent++;
        if (sent < 40) req.once('drain', pump);
        else req.end();
      };
      pump();
      setTimeout(() => { reject(new Error('no answer')); }, 20_000);
    });
    expect(status).toBe(413);
  });

  it('refuses an invalid results file with 400 naming the field, and a body that is not JSON', async () => {
    const broken = JSON.parse(fileText) as { cases: { status: string; rps?: number }[] };
    const index = broken.cases.findIndex((c) => c.status === 'ok');
    const ok = broken.cases[index];
    if (ok !== undefined) ok.rps = -5;
    const invalid = await upload(hub, 'eve', JSON.stringify(broken));
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: string }).error).toContain(`cases.${index}.rps`);
    const notJson = await upload(hub, 'eve', '{"schemaVersion": 2,');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toContain('body');
  });

  it('keeps a name with markup or a path as text, and refuses a missing, long or control-character name naming "name"', async () => {
    const markup = '<img src=x onerror=alert(1)> ../../etc';
    expect((await upload(hub, markup, fileText)).status).toBe(201);
    const runs = (await (await list(hub)).json()) as { name: string }[];
    expect(runs.map((r) => r.name)).toContain(markup);
    for (const bad of ['', 'x'.repeat(41), 'bob\nalice', 'bob\u202e']) {
      const r = await upload(hub, bad, fileText);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toMatch(/^name:/);
    }
    // Nothing but the database in --data, nothing named after a student anywhere.
    expect(readdirSync(data).every((f) => f.startsWith('class.sqlite'))).toBe(true);
    expect(existsSync(join(data, '..', '..', 'etc'))).toBe(false);
  });

  it('answers a flood from one address with 429, and keeps serving', async () => {
    const statuses = await Promise.all(Array.from({ length: 150 }, () => upload(hub, 'flood', '{}').then((r) => r.status)));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(50);
    expect(statuses.every((s) => s === 400 || s === 429)).toBe(true);
    expect((await fetch(new URL('api/live', hub.url), { headers: { 'x-class-code': hub.code } })).status).toBe(200);
  });

  it('answers 400 to a request target that is no path, and keeps serving', async () => {
    const { connect } = await import('node:net');
    const url = new URL(hub.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write('GET //a:99999/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('end', () => {
        resolve(text);
      });
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(new URL('api/live', hub.url), { headers: { 'x-class-code': hub.code } })).status).toBe(200);
  });

  it('refuses a progress body that is not an object with 400, and slows a guesser of codes down to 429', async () => {
    const live = await fetch(new URL('api/live?name=x', hub.url), { method: 'POST', headers: { 'x-class-code': hub.code }, body: 'null' });
    expect(live.status).toBe(400);
    const statuses = [];
    for (let i = 0; i < 30; i++) statuses.push((await fetch(new URL('api/runs', hub.url), { headers: { 'x-class-code': `guess-${i}` } })).status);
    expect(statuses.slice(0, 10).every((s) => s === 403)).toBe(true);
    expect(statuses.slice(-5).every((s) => s === 429)).toBe(true);
  });

  it('keeps every upload and its code across a restart', async () => {
    const before = ((await (await list(hub)).json()) as unknown[]).length;
    await hub.stop();
    hub = await startHub(data);
    expect(hub.code).toBe('room-42');
    expect(((await (await list(hub)).json()) as unknown[]).length).toBe(before);
  });

  it('serves the class page, and nothing for a path it does not know', async () => {
    const page = await classPage(hub);
    expect(page.status).toBe(200);
    const html = page.html;
    expect(html).toContain("connect-src 'self'");
    expect(html).not.toContain('<img src=x');
    expect((await fetch(new URL('etc/passwd', hub.url))).status).toBe(404);
  });
});

describe('a hub killed (SIGKILL) in the middle of thirty uploads', () => {
  it('keeps every upload it answered 201 to', async () => {
    const data = mkdtempSync(join(tmpdir(), 'lab-hub-'));
    let hub = await startHub(data, ['--code', 'kill-me']);
    const landed: number[] = [];
    const uploads = Array.from({ length: 30 }, (_, i) =>
      upload(hub, `s${i}`, fileText)
        .then(async (r) => {
          if (r.status === 201) landed.push(((await r.json()) as { id: number }).id);
        })
        .catch(() => undefined),
    );
    // Kill it as soon as some uploads have landed and others are still on their way.
    const { eventually } = await import('../helpers/wait.js');
    const someLanded = await eventually(() => landed.length >= 5, 20_000);
    // Killed whatever happened: a failed wait must not leave the hub running.
    hub.child.kill('SIGKILL');
    expect(someLanded).toBe(true);
    await Promise.all(uploads);
    hub = await startHub(data);
    const kept = ((await (await list(hub)).json()) as { id: number }[]).map((r) => r.id);
    for (const id of landed) expect(kept).toContain(id);
    await hub.stop();
  });
});

describe('the class command offline', () => {
  it('imports files (--add), opens a question (--ask) and saves the page (--render)', () => {
    const data = mkdtempSync(join(tmpdir(), 'lab-hub-'));
    const added = classCommand(['--data', data, '--add', FIXTURE, join(repoRoot, 'test', 'fixtures', 'run-a.json')]);
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toContain('as default-run');
    expect(added.stdout).toContain('as run-a');
    expect(classCommand(['--data', data, '--ask', 'io']).stdout).toContain('question 1 open on io');
    expect(classCommand(['--data', data, '--ask', 'held']).stdout).toContain('question 2 open on held');
    const out = join(data, 'page.html');
    const rendered = classCommand(['--data', data, '--render', out]);
    expect(rendered.status, rendered.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain("connect-src 'none'");
    expect(html).toContain('default-run');
  });

  it.each([
    [['--port', 'x'], '--port'],
    [['--lang', 'de'], '--lang'],
    [['--ask', 'everything'], '--ask'],
    [['--add'], '--add'],
    [['stray.json'], 'unexpected argument'],
    [['--code', 'a!'], '--code'],
    [['--teacher-code', 'short'], '--teacher-code'],
    [['--remove', 'x'], '--remove'],
    [['--max-runs', '0'], '--max-runs'],
    [['--target', 'http://192.168.1.10:8080'], '--broker'],
    [['--target', 'ftp://x', '--broker', 'redis://192.168.1.10:6379'], '--target'],
    [['--target', 'http://192.168.1.10:8080', '--broker', 'http://x'], 'not a broker URL'],
  ])('%j: one line, status 2', (args, message) => {
    const data = mkdtempSync(join(tmpdir(), 'lab-hub-'));
    const r = classCommand(['--data', data, ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  it('--target and --broker: the page shows each student the agent\'s command and the teacher the bench\'s', () => {
    const data = mkdtempSync(join(tmpdir(), 'lab-hub-'));
    const out = join(data, 'page.html');
    const r = classCommand(['--data', data, '--render', out, '--target', 'http://192.168.1.10:8080/', '--broker', 'redis://192.168.1.10:6379']);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('npm run agent -- --broker redis://192.168.1.10:6379');
    expect(html).toContain('--target http://192.168.1.10:8080 ');
    const plain = join(data, 'plain.html');
    classCommand(['--data', data, '--render', plain]);
    expect(readFileSync(plain, 'utf8')).not.toContain('redis://192.168.1.10');
  });

  it('--add refuses an invalid file in one line and imports none of the others', () => {
    const data = mkdtempSync(join(tmpdir(), 'lab-hub-'));
    const r = classCommand(['--data', data, '--add', FIXTURE, join(repoRoot, 'package.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const out = join(data, 'page.html');
    classCommand(['--data', data, '--render', out]);
    expect(readFileSync(out, 'utf8')).not.toContain('default-run');
  });
});
