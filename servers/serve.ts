/**
 * npm run serve -- <model> [--port N] [--host H] [--threads N] [--processes N]
 * Starts one server model by hand and prints the URL it listens on. Ctrl-C stops it and everything it started.
 */
import { CATALOGUE } from './catalogue.js';
import { parseServeArgs, serveHelp } from './serve-options.js';

const command = parseServeArgs(process.argv.slice(2));
if (command.kind === 'help') {
  console.log(serveHelp());
  process.exit(0);
}
if (command.kind === 'error') {
  console.error(`serve: ${command.message} (see --help)`);
  process.exit(2);
}

const { model, options } = command;
let running;
try {
  running = await CATALOGUE[model].start(options);
} catch (error: unknown) {
  console.error(`serve: ${model} could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const server = running;
const params = Object.entries(server.params).map(([k, v]) => `${String(v)} ${k}`).join(', ');
// The bench reads this line to find the port: keep "listening on <url>" in it.
console.log(`${model}${params === '' ? '' : ` (${params})`} listening on ${server.url} (pid ${process.pid}) — Ctrl-C to stop`);

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) {
    process.exit(1); // a second Ctrl-C: do not wait any longer
  }
  stopping = true;
  console.log(`${model}: ${signal} received, stopping`);
  void server.close().then(() => process.exit(0));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Started by the bench (with an IPC channel): if the bench dies, even by SIGKILL, the channel closes and
// this server stops too, so that no server outlives the run that started it.
if (process.channel !== undefined) {
  process.on('disconnect', () => {
    stop('SIGTERM');
  });
}
