/**
 * npm run class: a class hub, and what a teacher does with its data offline.
 *
 *   npm run class -- [--port N] [--host H] [--data DIR] [--code CODE] [--lang en|fr]    serve the hub
 *   npm run class -- --data DIR --add FILE… [--name NAME]                               import results files
 *   npm run class -- --data DIR --render OUT.html                                       save the class page
 *   npm run class -- --data DIR --ask io|cpu|hello|start                                open a question
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
import { readResultsFile } from '../results/file.js';
import { loadAssets } from '../reports/assets.js';
import { renderClassPage } from '../reports/render.js';
import { buildClassView, isRelationKey, renderedStamp } from '../reports/classroom/class-view.js';
import { checkName, createHub } from './hub-server.js';
import { openStore } from './store.js';

export const DEFAULT_CLASS_DIR = join(repoRoot, 'reports', 'class');
const DEFAULT_PORT = 8090;
const USAGE = 'usage: npm run class -- [--port N] [--host H] [--data DIR] [--code CODE] [--lang en|fr] | --add FILE… | --render OUT.html | --ask io|cpu|hello|start';

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
      lang: { type: 'string' },
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
  console.log(`${USAGE}\n\nA class hub: students share their runs to it (npm run bench -- --share URL --name NAME --code CODE), the class page\nsets them side by side. Data lives in --data (default reports/class/) and survives a restart.`);
  process.exit(0);
}
const lang = v.lang ?? langFromEnv();
if (!isLang(lang)) fail(`--lang: "${lang.slice(0, 20)}" is not a language of the lab (en or fr)`);
else setLang(lang);
const port = v.port === undefined ? DEFAULT_PORT : parseWholeNumber(v.port);
if (port === null || port > 65535) fail(`--port: "${String(v.port).slice(0, 20)}" is not a port (0 to 65535)`);
if (v.code !== undefined && !/^[A-Za-z0-9_-]{3,40}$/.test(v.code)) fail('--code: 3 to 40 letters, digits, - or _');
if (files.length > 0 && v.add !== true) fail(`unexpected argument "${String(files[0]).slice(0, 40)}" (files go with --add)`);
if (v.add === true && files.length === 0) fail('--add: name at least one results file');
if (v.name !== undefined && (v.add !== true || files.length !== 1)) fail('--name goes with --add and one file');
const modes = [v.add === true, v.render !== undefined, v.ask !== undefined].filter(Boolean).length;
if (modes > 1) fail('--add, --render and --ask are separate steps: one at a time');
if (v.ask !== undefined && !isRelationKey(v.ask)) fail(`--ask: "${v.ask.slice(0, 20)}" is not a relation (io, cpu, hello, start)`);

const dataDir = resolve(v.data ?? DEFAULT_CLASS_DIR);
let store;
try {
  store = openStore(dataDir);
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
      const results = readResultsFile(file);
      const name = checkName(v.name ?? (basename(file, '.json') === 'results' ? basename(dirname(resolve(file))) : basename(file, '.json')));
      return { file, name, results };
    } catch (error: unknown) {
      return fail(`${file}: ${messageOf(error)}`);
    }
  });
  for (const r of runs) {
    const id = store.addRun(r.name, r.results, JSON.stringify(r.results));
    console.log(`class: added ${r.file} as ${r.name} (run ${id})`);
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
if (v.render !== undefined) {
  const out = resolve(v.render);
  try {
    const view = buildClassView(store.classRuns(), store.questions(), store.answers(), { live: false, renderedAt: renderedStamp(), shareUrl: 'http://<hub>/' });
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
const host = v.host ?? '127.0.0.1';
let url = '';
/** The address the page tells students to share to: this machine's own when the hub is open to the room. */
let shareUrl = '';
const hubStore = store;
const server = createHub({ store: hubStore, code, publicUrl: () => shareUrl });
server.on('error', (error: NodeJS.ErrnoException) => {
  fail(`--host ${host} --port ${port}: ${error.code === 'EADDRINUSE' ? 'that port is in use (choose another with --port)' : messageOf(error)}`);
});
server.listen(port ?? DEFAULT_PORT, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : (port ?? DEFAULT_PORT);
  url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}/`;
  console.log(`class: ${url} (code ${code})`);
  // Open to the room: the students need this machine's own addresses, not 0.0.0.0.
  const room = host === '0.0.0.0' || host === '::' ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((i) => i.family === 'IPv4' && !i.internal).map((i) => `http://${i.address}:${actual}/`)) : [url];
  shareUrl = room[0] ?? url;
  for (const address of room) console.log(`class: students run  npm run bench -- --share ${address} --name <their name> --code ${code}`);
});
const stop = (): void => {
  server.close();
  server.closeAllConnections();
  hubStore.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
