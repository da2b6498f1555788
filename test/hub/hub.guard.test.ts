/**
 * The class hub against anyone who has the class code: names that belong to their first user, the teacher's
 * code for what only the teacher does, what a shared run gives away, and the bounds a hostile upload meets (the
 * probe's inputs, one by one). Every hub here is a real process on a free port.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe as plainDescribe, expect, it } from 'vitest';
import { BENCH } from '../helpers/bench-cli.js';
import { repoRoot } from '../../lib/paths.js';
import { ANSWER_RANGE, MAX_RESULTS_BYTES } from '../../hub/hub-server.js';
import { CLASS_CLI, classCommand, classPage, startHub, type RunningHub } from '../helpers/hub.js';
import { sqliteDescribe } from '../helpers/sqlite.js';

const describe = sqliteDescribe();
const FIXTURE = join(repoRoot, 'test', 'fixtures', 'default-run.json');
const fileText = readFileSync(FIXTURE, 'utf8');
const fixture = JSON.parse(fileText) as Record<string, unknown> & { machine: Record<string, unknown>; options: Record<string, unknown>; cases: unknown[]; warnings: { code: string; message: string }[] };

interface Sent {
  readonly status: number;
  readonly body: { id?: number; token?: string; error?: string; repeated?: boolean };
}

async function sent(response: Promise<Response>): Promise<Sent> {
  const r = await response;
  return { status: r.status, body: (await r.json().catch(() => ({}))) as Sent['body'] };
}

function upload(hub: RunningHub, name: string, body: string, extra: Record<string, string> = {}): Promise<Sent> {
  return sent(fetch(new URL(`api/runs?name=${encodeURIComponent(name)}`, hub.url), { method: 'POST', headers: { 'x-class-code': hub.code, 'content-type': 'application/json', ...extra }, body }));
}

function answer(hub: RunningHub, question: number, name: string, value: string, extra: Record<string, string> = {}): Promise<Sent> {
  return sent(fetch(new URL(`api/answers?question=${question}&name=${encodeURIComponent(name)}&value=${encodeURIComponent(value)}`, hub.url), { method: 'POST', headers: { 'x-class-code': hub.code, ...extra } }));
}

function teacher(hub: RunningHub, method: string, path: string, code = hub.teacherCode): Promise<Sent> {
  return sent(fetch(new URL(path, hub.url), { method, headers: { 'x-class-code': hub.code, 'x-teacher-code': code } }));
}

/** A run under another id (the hub keeps each upload; the same file twice is two runs of one student). */
const another = (i: number, change: (r: typeof fixture) => void = () => undefined): string => {
  const copy = JSON.parse(fileText) as typeof fixture;
  copy.runId = `2026-12-0${1 + (i % 8)}T10-00-${String(10 + (i % 50)).padStart(2, '0')}Z-${(4096 + i).toString(16).slice(-4)}`;
  change(copy);
  return JSON.stringify(copy);
};

describe('names, tokens and the teacher', () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startHub(mkdtempSync(join(tmpdir(), 'lab-hub-')), ['--code', 'room-7', '--teacher-code', 'teacher-secret-1']);
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('prints the teacher code on its terminal, never on the page', async () => {
    expect(hub.teacherCode).toBe('teacher-secret-1');
    // The link follows the teacher code's line on the terminal: wait for it (the hub is up once the code is out).
    for (let i = 0; i < 40 && !hub.output().includes('?code='); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hub.output()).toContain(`?code=${hub.code}`);
    expect((await classPage(hub)).html).not.toContain('teacher-secret-1');
  });

  it('gives a name to its first uploader: another uploader of it gets 403 naming why, the owner with its token 201', async () => {
    const first = await upload(hub, 'alice', another(1));
    expect(first.status).toBe(201);
    expect(typeof first.body.token).toBe('string');
    const intruder = await upload(hub, 'alice', another(2));
    expect(intruder.status).toBe(403);
    expect(intruder.body.error).toMatch(/"alice" is taken on this hub; its token is missing/);
    // The same name in other letters is the same name.
    expect((await upload(hub, 'ALICE', another(3))).status).toBe(403);
    expect((await upload(hub, 'ａｌｉｃｅ', another(4))).status).toBe(403);
    expect((await upload(hub, 'alice', another(5), { 'x-student-token': 'not-the-token' })).status).toBe(403);
    const owner = await upload(hub, 'alice', another(6), { 'x-student-token': first.body.token ?? '' });
    expect(owner.status).toBe(201);
    expect(owner.body.token).toBeUndefined();
  });

  it('refuses a look-alike of a name, and counts a name in characters', async () => {
    for (const lookAlike of ['аlice', 'alice\u3164', `alice${'\u0301'.repeat(39)}`]) {
      const r = await upload(hub, lookAlike, another(7));
      expect(r.status, lookAlike).toBe(400);
      expect(r.body.error).toMatch(/^name: /);
    }
    expect((await upload(hub, '🙂'.repeat(40), another(8))).status).toBe(201);
    expect((await upload(hub, '🙂'.repeat(41), another(9))).body.error).toMatch(/longer than 40 characters/);
    expect((await upload(hub, 'Zoé Đặng', another(10))).status).toBe(201); // two accents on one letter are a name
  });

  it('opens questions for the teacher only: the class code alone 403, X-Teacher-Code 201; closed, it takes no answer', async () => {
    const student = await sent(fetch(new URL('api/questions?relation=io', hub.url), { method: 'POST', headers: { 'x-class-code': hub.code } }));
    expect(student.status).toBe(403);
    expect(student.body.error).toContain('X-Teacher-Code');
    expect((await teacher(hub, 'POST', 'api/questions?relation=io', 'wrong-teacher-code')).status).toBe(403);
    const opened = await teacher(hub, 'POST', 'api/questions?relation=io');
    expect(opened.status).toBe(201);
    const q = opened.body.id ?? 0;
    expect((await answer(hub, q, 'bob', '12')).status).toBe(201);
    expect((await teacher(hub, 'POST', `api/questions/${q}/close`)).status).toBe(200);
    expect((await answer(hub, q, 'bob', '13')).status).toBe(400);
  });

  it('takes an answer as a plain decimal in range, and an answer under a name claims it (a cookie keeps its token)', async () => {
    const q = (await teacher(hub, 'POST', 'api/questions?relation=cpu')).body.id ?? 0;
    for (const bad of ['1e-300', '0x10', '-2', 'NaN', 'Infinity', '1e3', `${ANSWER_RANGE.max * 10}`, '0', '', '12abc']) {
      const r = await answer(hub, q, 'carol', bad);
      expect(r.status, bad).toBe(400);
      expect(r.body.error).toMatch(/^value: a plain decimal/);
    }
    const claimed = await fetch(new URL(`api/answers?question=${q}&name=carol&value=1,8`, hub.url), { method: 'POST', headers: { 'x-class-code': hub.code } });
    expect(claimed.status).toBe(201);
    const cookie = claimed.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^lab_token=[\w-]+; HttpOnly; SameSite=Strict; Path=\//);
    // Another browser without it: 403; the one with it answers again.
    expect((await answer(hub, q, 'carol', '2')).status).toBe(403);
    expect((await answer(hub, q, 'carol', '2', { cookie: cookie.split(';')[0] ?? '' })).status).toBe(201);
  });

  it('keeps the page and /api/live behind the class code: the link sets it in a cookie (HttpOnly, SameSite=Strict)', async () => {
    const bare = await fetch(hub.url);
    expect(bare.status).toBe(403);
    expect(await bare.text()).not.toContain('alice');
    expect((await fetch(new URL('api/live', hub.url))).status).toBe(403);
    const link = await fetch(new URL('?code=room-7', hub.url), { redirect: 'manual' });
    expect(link.status).toBe(303);
    expect(link.headers.get('location')).toBe('/');
    expect(link.headers.get('set-cookie')).toMatch(/^lab_code=room-7; HttpOnly; SameSite=Strict; Path=\//);
    expect((await fetch(new URL('?code=wrong', hub.url), { redirect: 'manual' })).status).toBe(403);
    const page = await classPage(hub);
    expect(page.status).toBe(200);
    expect(page.html).toContain('alice');
    expect((await fetch(new URL('api/live', hub.url), { headers: { cookie: page.cookie } })).status).toBe(200);
  });

  it('lets the teacher hide and remove a run, and close uploads', async () => {
    const r = await upload(hub, 'dave', another(11));
    const id = r.body.id ?? 0;
    expect((await sent(fetch(new URL(`api/runs/${id}`, hub.url), { method: 'DELETE', headers: { 'x-class-code': hub.code } }))).status).toBe(403);
    expect((await teacher(hub, 'POST', `api/runs/${id}/hide`)).status).toBe(200);
    expect((await classPage(hub)).html).not.toContain('"dave"');
    expect((await teacher(hub, 'DELETE', `api/runs/${id}`)).status).toBe(200);
    expect((await fetch(new URL(`api/runs/${id}`, hub.url), { headers: { 'x-class-code': hub.code } })).status).toBe(404);
    expect((await teacher(hub, 'POST', 'api/uploads?open=0')).status).toBe(200);
    const closed = await upload(hub, 'erin', another(12));
    expect(closed.status).toBe(403);
    expect(closed.body.error).toContain('uploads are closed');
    expect((await teacher(hub, 'POST', 'api/uploads?open=1')).status).toBe(200);
  });

  it('stores a retried upload once: the same idempotency key gives the run it stored', async () => {
    const before = ((await (await fetch(new URL('api/runs', hub.url), { headers: { 'x-class-code': hub.code } })).json()) as unknown[]).length;
    const body = another(13);
    const first = await upload(hub, 'frank', body, { 'idempotency-key': 'run-13' });
    const token = first.body.token ?? '';
    const retry = await upload(hub, 'frank', body, { 'idempotency-key': 'run-13', 'x-student-token': token });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    const after = ((await (await fetch(new URL('api/runs', hub.url), { headers: { 'x-class-code': hub.code } })).json()) as unknown[]).length;
    expect(after).toBe(before + 1);
  });

  it('draws one dot per student: the newest run, the earlier ones listed', async () => {
    const html = (await classPage(hub)).html;
    const data = JSON.parse(/<script type="application\/json" id="lab-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}') as { machines: { name: string; earlier: string[] }[]; relations: { key: string; dots: { name: string }[] }[] };
    const alice = data.machines.filter((m) => m.name === 'alice');
    expect(alice).toHaveLength(1);
    expect(alice[0]?.earlier).toHaveLength(1);
    for (const r of data.relations) expect(r.dots.filter((d) => d.name === 'alice').length).toBeLessThanOrEqual(1);
  });
});

describe('what a shared run gives away', () => {
  it('keeps neither the host name nor a path of the machine, nor keys the schema does not know', async () => {
    const hub = await startHub(mkdtempSync(join(tmpdir(), 'lab-hub-')));
    try {
      const body = another(20, (r) => {
        r.machine.hostname = 'alices-macbook.local';
        r.warnings.push({ code: 'machine', message: 'calibration kept in /home/alice/projects/lab/reports/runs/calibration.json' });
        (r as Record<string, unknown>).secret = { environment: 'HOME=/home/alice' };
        r.machine.serial = 'C02XYZ';
      });
      const stored = await upload(hub, 'alice', body);
      expect(stored.status).toBe(201);
      const back = await (await fetch(new URL(`api/runs/${stored.body.id ?? 0}`, hub.url), { headers: { 'x-class-code': hub.code } })).text();
      expect(back).not.toContain('alices-macbook');
      expect(back).not.toContain('/home/alice');
      expect(back).toContain('calibration kept in <path>');
      expect(back).not.toContain('secret');
      expect(back).not.toContain('C02XYZ');
      expect(back).not.toContain(repoRoot);
    } finally {
      await hub.stop();
    }
  });
});

describe('bounded against a hostile upload', () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startHub(mkdtempSync(join(tmpdir(), 'lab-hub-')), ['--max-runs', '4']);
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('refuses 100,000-entry option arrays (400), at once', async () => {
    const body = another(30, (r) => {
      r.options.workloads = Array.from({ length: 100_000 }, (_, i) => `w${i}`);
      r.options.connections = Array.from({ length: 100_000 }, (_, i) => i + 1);
    });
    const t0 = performance.now();
    const r = await upload(hub, 'mallory', body);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/options\.workloads: a list of more than 5000 items/);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('refuses a version-1 file of 60,000 cases (400) in under a second', async () => {
    const v1 = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'run-a.json'), 'utf8')) as { cases: Record<string, unknown>[] };
    // A small case, as the probe's file had them (60,000 in 7 MB): under the size limit, so the hub must read it.
    v1.cases = Array.from({ length: 60_000 }, (_, i) => ({ model: 'event-loop', modelParams: {}, workload: 'hello', connections: 1 + (i % 64), repeat: i, status: 'failed', error: 'x', warnings: [] }));
    expect(JSON.stringify(v1).length).toBeLessThan(MAX_RESULTS_BYTES);
    const t0 = performance.now();
    const r = await upload(hub, 'mallory', JSON.stringify(v1));
    expect(r.status).toBe(400);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('refuses a 7 MB machine name (400)', async () => {
    const long = await upload(hub, 'mallory', another(31, (r) => {
      r.machine.cpuModel = 'x'.repeat(7 * 1024 * 1024);
    }));
    expect(long.status).toBe(400);
    expect(long.body.error).toContain('machine.cpuModel');
  });

  it('after the largest upload it accepts, serves the page in under a second and /api/live within 100 ms meanwhile', async () => {
    // The default run's cases many times over, under workloads of their own: just under the size limit, every list
    // within its bound.
    const caseBytes = JSON.stringify(fixture.cases).length / fixture.cases.length;
    const copies = Math.floor((MAX_RESULTS_BYTES * 0.97) / (caseBytes * fixture.cases.length));
    const big = another(32, (r) => {
      const cases = r.cases as { workload: string }[];
      r.cases = Array.from({ length: copies }, (_, k) => cases.map((c) => ({ ...c, workload: `${c.workload}-${k}` }))).flat().slice(0, 5000);
    });
    expect(big.length).toBeGreaterThan(MAX_RESULTS_BYTES * 0.8);
    expect(big.length).toBeLessThan(MAX_RESULTS_BYTES);
    const stored = await upload(hub, 'big', big);
    expect(stored.status, stored.body.error).toBe(201);
    const { cookie } = await classPage(hub).catch(() => ({ cookie: '' }));
    const live: number[] = [];
    const state = { done: false };
    const poll = (async () => {
      while (!state.done) {
        const t = performance.now();
        await fetch(new URL('api/live', hub.url), { headers: { cookie } });
        live.push(performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    // A new run makes the page be built again: the first view after it pays that.
    await upload(hub, 'big', another(33), { 'x-student-token': stored.body.token ?? '' });
    const t0 = performance.now();
    const page = await fetch(hub.url, { headers: { cookie } });
    const html = await page.text();
    const pageMs = performance.now() - t0;
    state.done = true;
    await poll;
    expect(page.status).toBe(200);
    expect(html.length).toBeGreaterThan(10_000);
    expect(pageMs).toBeLessThan(1000);
    expect(Math.max(...live)).toBeLessThan(100);
  });

  it('says 507 with one line of explanation past the runs it may hold (--max-runs)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await upload(hub, `s${i}`, another(40 + i))).status);
    const full = await upload(hub, 'one-too-many', another(50));
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(0);
    expect(full.status).toBe(507);
    expect(full.body.error).toMatch(/the hub holds all it may \(4 runs/);
  });
});

describe('a flood of answers', () => {
  it('is throttled, the failed answers too (429)', async () => {
    const hub = await startHub(mkdtempSync(join(tmpdir(), 'lab-hub-')));
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 120; i++) statuses.push((await answer(hub, 999, 'mallory', 'x')).status);
      expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(30);
    } finally {
      await hub.stop();
    }
  });
});

describe('the hub and its signals', () => {
  it('stops within 2 s of SIGTERM', async () => {
    const hub = await startHub(mkdtempSync(join(tmpdir(), 'lab-hub-')));
    const t0 = performance.now();
    await hub.stop();
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('--remove takes a run out offline', () => {
    const data = mkdtempSync(join(tmpdir(), 'lab-hub-'));
    expect(classCommand(['--data', data, '--add', FIXTURE]).status).toBe(0);
    const removed = classCommand(['--data', data, '--remove', '1']);
    expect(removed.stdout).toContain('removed run 1');
    expect(classCommand(['--data', data, '--remove', '1']).stderr).toContain('no such run');
  });
});

plainDescribe('without better-sqlite3 (hidden, as where it could not install)', () => {
  it('the bench runs, and writes its results', () => {
    const hide = join(repoRoot, 'test', 'fixtures', 'hide-sqlite.mjs');
    const out = mkdtempSync(join(tmpdir(), 'lab-nosqlite-'));
    const run = spawnSync(process.execPath, ['--import', hide, BENCH, '--models', 'event-loop', '--workloads', 'hello', '--connections', '1', '--trials', '1', '--max-trials', '1', '--duration', '0.2', '--warmup', '0', '--out', out], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/results: .*results\.json/);
  }, 130_000);

  it('npm run class says in one line what to install', () => {
    const hide = join(repoRoot, 'test', 'fixtures', 'hide-sqlite.mjs');
    const child = spawn(process.execPath, ['--import', hide, CLASS_CLI, '--data', mkdtempSync(join(tmpdir(), 'lab-hub-'))], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise<void>((resolve) => {
      child.once('exit', (code) => {
        expect(code).toBe(2);
        expect(stderr.trim().split('\n')).toHaveLength(1);
        expect(stderr).toContain('npm install better-sqlite3');
        resolve();
      });
    });
  });
});
