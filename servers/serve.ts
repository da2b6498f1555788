/**
 * npm run serve -- <model> [--port N] [--host H] [--threads N] [--processes N] [--sessions M] [--tls] [--lang en|fr]
 * Starts one server model by hand and prints the URL it listens on. Ctrl-C stops it and everything it started.
 */
import { CATALOGUE } from './catalogue.js';
import type { RunningServer, ServeListening } from './model-types.js';
import { parseServeArgs, serveHelp } from './serve-options.js';
import { labCertificate } from './tls-cert.js';
import { publishServeInfo } from './app/launch-info.js';
import { spokenMessage } from '../lib/errors.js';
import { setLang, t } from '../lib/lang/lang.js';
import { paramText } from '../lib/args.js';

const command = parseServeArgs(process.argv.slice(2));
setLang(command.lang);
if (command.kind === 'help') {
  console.log(serveHelp());
  process.exit(0);
}
if (command.kind === 'error') {
  console.error(`serve: ${t('cli.seeHelp', { message: command.message })}`);
  process.exit(2);
}

const { model } = command;
let server: RunningServer | undefined;
let stopping = false;

function stop(reason: string): void {
  if (stopping) process.exit(1); // a second Ctrl-C: do not wait any longer
  stopping = true;
  if (server === undefined) process.exit(1); // still starting: threads and cluster children end with us
  console.log(t('cli.serve.stopping', { model, reason }));
  void server.close().then(() => process.exit(0));
}
// Registered before the model starts, so that a signal during start-up is not missed.
process.on('SIGINT', () => {
  stop(t('cli.serve.signal', { signal: 'SIGINT' }));
});
process.on('SIGTERM', () => {
  stop(t('cli.serve.signal', { signal: 'SIGTERM' }));
});
// Started by the bench (with an IPC channel): if the bench dies, even by SIGKILL, the channel closes and
// this server stops too, so that no server outlives the run that started it.
if (process.channel !== undefined) {
  process.on('disconnect', () => {
    stop(t('cli.serve.benchGone'));
  });
} else {
  // Started from a terminal or by npm: when that parent dies (npm killed by SIGKILL, a shell that did not pass
  // the signal on), this process is handed to init or a subreaper, and process.ppid (read from the system at
  // each access) changes. Stop then too, rather than hold the port with nobody left to press Ctrl-C.
  // Unref'd: the poll alone keeps nothing alive.
  const parent = process.ppid;
  const poll = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(poll);
    if (!stopping) stop(t('cli.serve.parentGone', { pid: String(parent) })); // not a second Ctrl-C: let a stop finish
  }, 1000).unref();
}

// Before the model starts: its threads and processes inherit what /health and /lab/usage say.
publishServeInfo({
  model,
  params: Object.fromEntries(CATALOGUE[model].params.map((p) => [p, command.options[p]])),
  ...(CATALOGUE[model].reference ? {} : { sessions: command.options.sessions }),
  rootPid: process.pid,
});

try {
  const tls = command.tls ? await labCertificate() : null;
  server = await CATALOGUE[model].start({ ...command.options, tls });
} catch (error: unknown) {
  console.error(`serve: ${t('cli.serve.couldNotStart', { model, why: spokenMessage(error) })}`);
  process.exit(1);
}
if (process.channel !== undefined && !process.connected) stop(t('cli.serve.benchGone'));
const shown = Object.entries(server.params).map(([k, v]) => paramText(k, v));
if (!CATALOGUE[model].reference) shown.push(t('cli.param.sessions', { mode: command.options.sessions }));
const params = shown.join(', ');
// The bench that started us learns the address over its IPC channel, not by reading our output.
if (process.send !== undefined) {
  const listening: ServeListening = {
    type: 'listening', url: server.url, pid: process.pid, params: server.params, sessions: command.options.sessions, tls: command.tls,
  };
  process.send(listening);
}
console.log(t('cli.serve.listening', { model, params: params === '' ? '' : ` (${params})`, url: server.url, pid: String(process.pid) }));
