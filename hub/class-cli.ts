/**
 * npm run class: a class hub, and what a teacher does with its data offline.
 *
 *   npm run class -- [--port N] [--host H] [--data DIR] [--code CODE] [--teacher-code CODE] [--target URL --broker URL] [--lang en|fr]   serve it
 *   npm run class -- --data DIR --add FILE… [--name NAME]                               import results files
 *   npm run class -- --data DIR --render OUT.html                                       save the class page
 *   npm run class -- --data DIR --ask io|cpu|hello|start|held                           open a question
 *   npm run class -- --data DIR --remove ID                                             remove a run
 */
import { randomInt } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { argsErrorMessage, langOfArgs, parseWholeNumber } from '../lib/args.js';
import { spokenMessage } from '../lib/errors.js';
import { writeFileAtomically } from '../lib/files.js';
import { setLang, t } from '../lib/lang/lang.js';
import { repoRoot } from '../lib/paths.js';
import { loadAssets } from '../reports/assets.js';
import { renderClassPage } from '../reports/render.js';
import { buildClassView, isRelationKey, renderedStamp, targetUrl, type Together } from '../reports/classroom/class-view.js';
import { brokerUrl } from '../lib/broker-url.js';
import { nameKey } from '../lib/student-name.js';
import type { ClassRunSummary } from '../reports/classroom/class-run.js';
import { readFileSync } from 'node:fs';
import { checkName, createHub } from './hub-server.js';
import { intake } from './intake.js';
import { startIntakeThread } from './intake-thread.js';
import { openStore, type ClassStore } from './store.js';

export const DEFAULT_CLASS_DIR = join(repoRoot, 'reports', 'class');
const DEFAULT_PORT = 8090;
// The language first (--lang, else LANG): the usage, every error and every line after are in it, and the page too.
const argv = process.argv.slice(2);
const { lang, problem: langProblem } = langOfArgs(argv);
setLang(lang);
const USAGE = t('cli.class.usage');

const fail = (message: string): never => {
  console.error(`class: ${message}`);
  process.exit(2);
};

let parsed;
try {
  parsed = parseArgs({
    args: argv,
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
      target: { type: 'string' },
      broker: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error: unknown) {
  fail(`${langProblem ?? argsErrorMessage(error)} (${USAGE})`);
}
const v = parsed?.values ?? {};
const files = parsed?.positionals ?? [];
if (v.help === true) {
  console.log(`${USAGE}\n\n${t('cli.class.help')}`);
  process.exit(0);
}
if (langProblem !== undefined) fail(langProblem);
const port = v.port === undefined ? DEFAULT_PORT : parseWholeNumber(v.port);
if (port === null || port > 65535) fail(t('cli.class.port', { got: `"${String(v.port).slice(0, 20)}"` }));
if (v.code !== undefined && !/^[A-Za-z0-9_-]{3,40}$/.test(v.code)) fail(t('cli.class.code'));
const teacherGiven = v['teacher-code'];
if (teacherGiven !== undefined && !/^[A-Za-z0-9_-]{8,64}$/.test(teacherGiven)) fail(t('cli.class.teacherCode'));
if (teacherGiven !== undefined && teacherGiven === v.code) fail(t('cli.class.teacherSame'));
const maxRuns = v['max-runs'] === undefined ? undefined : parseWholeNumber(v['max-runs']);
if (maxRuns === null || (maxRuns !== undefined && (maxRuns < 1 || maxRuns > 100_000))) fail(t('cli.class.maxRuns', { got: `"${String(v['max-runs']).slice(0, 20)}"` }));
const removeId = v.remove === undefined ? undefined : parseWholeNumber(v.remove);
if (removeId === null) fail(t('cli.class.removeId', { got: `"${String(v.remove).slice(0, 20)}"` }));
if (files.length > 0 && v.add !== true) fail(t('cli.class.unexpected', { got: `"${String(files[0]).slice(0, 40)}"` }));
if (v.add === true && files.length === 0) fail(t('cli.class.addNone'));
if (v.name !== undefined && (v.add !== true || files.length !== 1)) fail(t('cli.class.name'));
const modes = [v.add === true, v.render !== undefined, v.ask !== undefined, v.remove !== undefined].filter(Boolean).length;
if (modes > 1) fail(t('cli.class.modes'));
if (v.ask !== undefined && !isRelationKey(v.ask)) fail(t('cli.class.ask', { got: `"${v.ask.slice(0, 20)}"` }));
// The teacher's server and broker, named on the page: the students' agents load it together (README, In class).
if ((v.target === undefined) !== (v.broker === undefined)) fail(t('cli.class.together'));
let together: Together | undefined;
if (v.target !== undefined && v.broker !== undefined) {
  try {
    together = { target: targetUrl(v.target), broker: brokerUrl(v.broker) };
  } catch (error: unknown) {
    fail(spokenMessage(error));
  }
}

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
  fail(`--data ${dataDir}: ${spokenMessage(error)}`);
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
      return fail(`${file}: ${spokenMessage(error)}`);
    }
  });
  for (const r of runs) {
    // The teacher imports: a free name is claimed (its token is printed for the student), a taken one is added to.
    const token = store.owner(r.name.key) === null ? store.claim(r.name.key, r.name.name) : null;
    const id = store.addRun(r.name.key, r.taken, null);
    const shown = { file: r.file, name: store.owner(r.name.key) ?? r.name.name, id: String(id) };
    console.log(`class: ${token === null ? t('cli.class.added', shown) : t('cli.class.addedToken', { ...shown, token })}`);
  }
  store.close();
  process.exit(0);
}
if (v.ask !== undefined && isRelationKey(v.ask)) {
  const id = store.addQuestion(v.ask);
  console.log(`class: ${t('cli.class.question', { id: String(id), relation: v.ask })}`);
  store.close();
  process.exit(0);
}
if (removeId !== undefined && removeId !== null) {
  const removed = store.removeRun(removeId);
  store.close();
  if (!removed) fail(t('cli.class.noSuchRun', { id: String(removeId) }));
  console.log(`class: ${t('cli.class.removed', { id: String(removeId) })}`);
  process.exit(0);
}
if (v.render !== undefined) {
  const out = resolve(v.render);
  try {
    const view = buildClassView(store.students(), store.questions(), store.answers(), { live: false, renderedAt: renderedStamp(), shareUrl: 'http://<hub>/', runs: store.totals().runs, ...(together === undefined ? {} : { together }) });
    writeFileAtomically(out, renderClassPage(view, loadAssets()));
  } catch (error: unknown) {
    fail(`--render ${out}: ${spokenMessage(error)}`);
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
const server = createHub({ store: hubStore, code, teacherCode, publicUrl: () => shareUrl, intake: (text) => intakeThread.run(text), ...(maxRuns === undefined || maxRuns === null ? {} : { maxRuns }), ...(together === undefined ? {} : { together }) });
server.on('error', (error: NodeJS.ErrnoException) => {
  fail(`--host ${host} --port ${port}: ${error.code === 'EADDRINUSE' ? t('cli.class.portInUse') : spokenMessage(error)}`);
});
server.listen(port ?? DEFAULT_PORT, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : (port ?? DEFAULT_PORT);
  url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}/`;
  console.log(`class: ${t('cli.class.listening', { url, code })}`);
  // On this terminal only: the page and the students never see it.
  console.log(`class: ${t('cli.class.teacher', { code: teacherCode })}`);
  // Open to the room: the students need this machine's own addresses, not 0.0.0.0.
  const room = host === '0.0.0.0' || host === '::' ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((i) => i.family === 'IPv4' && !i.internal).map((i) => `http://${i.address}:${actual}/`)) : [url];
  shareUrl = room[0] ?? url;
  for (const address of room) {
    console.log(`class: ${t('cli.class.page', { url: `${address}?code=${code}` })}`);
    console.log(`class: ${t('cli.class.students', { url: address, code })}`);
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
