/**
 * npm run class: a class hub, and what a teacher does with its data offline.
 *
 *   npm run class -- [--port N] [--host H] [--data DIR] [--code CODE] [--teacher-code CODE] [--lang en|fr]   serve it
 *   npm run class -- --data DIR --add FILE… [--name NAME]                               import results files
 *   npm run class -- --data DIR --render OUT.html                                       save the class page
 *   npm run class -- --data DIR --ask io|cpu|hello|start|held                           open a question
 *   npm run class -- --data DIR --remove ID                                             remove a run
 */
import { randomInt } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { argsErrorMessage, parseWholeNumber } from '../lib/args.js';
import { messageOf } from '../lib/errors.js';
import { writeFileAtomically } from '../lib/files.js';
import { isLang, setLang } from '../lib/lang/lang.js';
import { langFromEnv } from '../lib/lang/env-lang.js';
import { repoRoot } from '../lib/paths.js';
import { loadAssets } from '../reports/assets.js';
import { renderClassPage } from '../reports/render.js';
import { buildClassView, isRelationKey, renderedStamp } from '../reports/classroom/class-view.js';
import { nameKey } from '../lib/student-name.js';
import type { ClassRunSummary } from '../reports/classroom/class-run.js';
import { readFileSync } from 'node:fs';
import { checkName, createHub } from './hub-server.js';
import { intake } from './intake.js';
import { startIntakeThread } from './intake-thread.js';
import { openStore, type ClassStore } from './store.js';

export const DEFAULT_CLASS_DIR = join(repoRoot, 'reports', 'class');
const DEFAULT_PORT = 8090;
const USAGE = 'usage: npm run class -- [--port N] [--host H] [--data DIR] [--code CODE] [--teacher-code CODE] [--max-runs N] [--lang en|fr] | --add FILE… | --render OUT.html | --ask io|cpu|hello|start|held | --remove ID';

const fail = (message: string): never => {
  console.error(`class: ${message}`);
  process.exit(2);
};

let parsed;
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      code: { type: 'string' },
      'teacher-code': { type: 'string' },
      lang: { type: 'string' },
      remove: { type: 'string' },
      'max-runs': { type: 'string' },
      add: { type: 'boolean' },
      name: { type: 'string' },
      render: { type: 'string' },
      ask: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error: unknown) {
  fail(`${argsErrorMessage(error)} (${USAGE})`);
}
const v = parsed?.values ?? {};
const files = parsed?.positionals ?? [];
if (v.help === true) {
  console.log(`${USAGE}\n\nA class hub: students share their runs to it (npm run bench -- --profile class --share URL --name NAME --code CODE), the\nclass page sets them side by side. Data lives in --data (default reports/class/) and survives a restart. The teacher\ncode (printed once on this terminal) opens questions, removes or hides runs and closes uploads.`);
  process.exit(0);
}
const lang = v.lang ?? langFromEnv();
if (!isLang(lang)) fail(`--lang: "${lang.slice(0, 20)}" is not a language of the lab (en or fr)`);
else setLang(lang);
const port = v.port === undefined ? DEFAULT_PORT : parseWholeNumber(v.port);
if (port === null || port > 65535) fail(`--port: "${String(v.port).slice(0, 20)}" is not a port (0 to 65535)`);
if (v.code !== undefined && !/^[A-Za-z0-9_-]{3,40}$/.test(v.code)) fail('--code: 3 to 40 letters, digits, - or _');
const teacherGiven = v['teacher-code'];
if (teacherGiven !== undefined && !/^[A-Za-z0-9_-]{8,64}$/.test(teacherGiven)) fail('--teacher-code: 8 to 64 letters, digits, - or _');
if (teacherGiven !== undefined && teacherGiven === v.code) fail('--teacher-code must differ from the class code: the class has that one');
const maxRuns = v['max-runs'] === undefined ? undefined : parseWholeNumber(v['max-runs']);
if (maxRuns === null || (maxRuns !== undefined && (maxRuns < 1 || maxRuns > 100_000))) fail(`--max-runs: "${String(v['max-runs']).slice(0, 20)}" is not a number of runs from 1 to 100000`);
const removeId = v.remove === undefined ? undefined : parseWholeNumber(v.remove);
if (removeId === null) fail(`--remove: "${String(v.remove).slice(0, 20)}" is not a run id (npm run class -- --data DIR --remove ID; GET /api/runs lists them)`);
if (files.length > 0 && v.add !== true) fail(`unexpected argument "${String(files[0]).slice(0, 40)}" (files go with --add)`);
if (v.add === true && files.length === 0) fail('--add: name at least one results file');
if (v.name !== undefined && (v.add !== true || files.length !== 1)) fail('--name goes with --add and one file');
const modes = [v.add === true, v.render !== undefined, v.ask !== undefined, v.remove !== undefined].filter(Boolean).length;
if (modes > 1) fail('--add, --render, --ask and --remove are separate steps: one at a time');
if (v.ask !== undefined && !isRelationKey(v.ask)) fail(`--ask: "${v.ask.slice(0, 20)}" is not a relation (io, cpu, hello, start, held)`);

const dataDir = resolve(v.data ?? DEFAULT_CLASS_DIR);
/** A stored file's summary, for runs kept by an earlier version of the hub. */
const summaryOf = (json: string): ClassRunSummary | null => {
  const taken = intake(json);
  return 'error' in taken ? null : taken.summary;
};
let store: ClassStore | undefined;
try {
  store = await openStore(dataDir, summaryOf, nameKey);
} catch (error: unknown) {
  fail(`--data ${dataDir}: ${messageOf(error)}`);
}
if (store === undefined) process.exit(2);

/** A short code to type from the board: no 0/O or 1/l/I to confuse. */
const newCode = (): string => Array.from({ length: 6 }, () => 'abcdefghjkmnpqrstuvwxyz23456789'[randomInt(31)]).join('');

if (v.add === true) {
  // Validate every file before importing any: a class's folder is imported whole or not at all.
  const runs = files.map((file) => {
    try {
      const taken = intake(readFileSync(file, 'utf8'));
      if ('error' in taken) throw new Error(taken.error);
      const name = checkName(v.name ?? (basename(file, '.json') === 'results' ? basename(dirname(resolve(file))) : basename(file, '.json')));
      return { file, name, taken };
    } catch (error: unknown) {
      return fail(`${file}: ${messageOf(error)}`);
    }
  });
  for (const r of runs) {
    // The teacher imports: a free name is claimed (its token is printed for the student), a taken one is added to.
    const token = store.owner(r.name.key) === null ? store.claim(r.name.key, r.name.name) : null;
    const id = store.addRun(r.name.key, r.taken, null);
    console.log(`class: added ${r.file} as ${store.owner(r.name.key) ?? r.name.name} (run ${id})${token === null ? '' : `; its token: ${token}`}`);
  }
  store.close();
  process.exit(0);
}
if (v.ask !== undefined && isRelationKey(v.ask)) {
  const id = store.addQuestion(v.ask);
  console.log(`class: question ${id} open on ${v.ask}`);
  store.close();
  process.exit(0);
}
if (removeId !== undefined && removeId !== null) {
  const removed = store.removeRun(removeId);
  store.close();
  if (!removed) fail(`--remove ${removeId}: no such run`);
  console.log(`class: removed run ${removeId}`);
  process.exit(0);
}
if (v.render !== undefined) {
  const out = resolve(v.render);
  try {
    const view = buildClassView(store.students(), store.questions(), store.answers(), { live: false, renderedAt: renderedStamp(), shareUrl: 'http://<hub>/', runs: store.totals().runs });
    writeFileAtomically(out, renderClassPage(view, loadAssets()));
  } catch (error: unknown) {
    fail(`--render ${out}: ${messageOf(error)}`);
  }
  console.log(`class: ${out}`);
  store.close();
  process.exit(0);
}

if (v.code !== undefined) store.setCode(v.code);
const code = store.code(newCode);
if (teacherGiven !== undefined) store.setTeacherCode(teacherGiven);
/** Longer than the class code: it is never written on a board. */
const teacherCode = store.teacherCode(() => Array.from({ length: 16 }, () => 'abcdefghjkmnpqrstuvwxyz23456789'[randomInt(31)]).join(''));
const host = v.host ?? '127.0.0.1';
let url = '';
/** The address the page tells students to share to: this machine's own when the hub is open to the room. */
let shareUrl = '';
const hubStore = store;
// Uploads are read, validated and summarised on a thread of their own: a large one never stalls the page or /api/live.
const intakeThread = startIntakeThread();
const server = createHub({ store: hubStore, code, teacherCode, publicUrl: () => shareUrl, intake: (text) => intakeThread.run(text), ...(maxRuns === undefined || maxRuns === null ? {} : { maxRuns }) });
server.on('error', (error: NodeJS.ErrnoException) => {
  fail(`--host ${host} --port ${port}: ${error.code === 'EADDRINUSE' ? 'that port is in use (choose another with --port)' : messageOf(error)}`);
});
server.listen(port ?? DEFAULT_PORT, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : (port ?? DEFAULT_PORT);
  url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}/`;
  console.log(`class: ${url} (code ${code})`);
  // On this terminal only: the page and the students never see it.
  console.log(`class: teacher code ${teacherCode} (keep it to yourself: it opens questions, removes or hides runs, closes uploads)`);
  // Open to the room: the students need this machine's own addresses, not 0.0.0.0.
  const room = host === '0.0.0.0' || host === '::' ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((i) => i.family === 'IPv4' && !i.internal).map((i) => `http://${i.address}:${actual}/`)) : [url];
  shareUrl = room[0] ?? url;
  for (const address of room) {
    console.log(`class: the class page  ${address}?code=${code}`);
    console.log(`class: students run  npm run bench -- --profile class --share ${address} --name <their name> --code ${code}`);
  }
});
const stop = (): void => {
  // Whatever the hub is doing, it is gone within 2 s.
  setTimeout(() => process.exit(0), 2000).unref();
  server.close();
  server.closeAllConnections();
  void intakeThread.close();
  hubStore.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
