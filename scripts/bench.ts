/**
 * npm run bench -- [options]: drives many clients at every model and writes results (and the report).
 */
import { relative, resolve } from 'node:path';
import { benchHelp, parseBenchArgs } from '../bench/plan/parse-args.js';
import { shapesLink } from '../bench/network/link-shape.js';
import { createProgress } from '../bench/run/progress.js';
import { runBench } from '../bench/run/run.js';
import { summaryTables } from '../reports/text/summary.js';
import { formatDuration } from '../lib/format.js';
import { linkShapeText, transportText } from '../reports/text/transport.js';
import { refreshIndex, writeRunReport } from '../reports/write.js';
import { messageOf } from '../lib/errors.js';
import { ensureWritableDir } from '../lib/files.js';
import { netemUnavailable, netnsUnavailable } from '../bench/network/netns.js';
import { connectTarget, type RemoteTarget } from '../bench/network/remote.js';
import { startLive, type Live } from './bench-live.js';
import { labCertificate } from '../servers/tls-cert.js';
import { pinningUnavailable } from '../bench/machine/placement.js';
import { createSharer } from '../bench/network/share.js';
import { setLang } from '../lib/lang/lang.js';
import { readFileSync } from 'node:fs';

const command = parseBenchArgs(process.argv.slice(2));
if (command.kind === 'help') {
  console.log(benchHelp());
  process.exit(0);
}
if (command.kind === 'error') {
  console.error(`bench: ${command.message} (see --help)`);
  process.exit(2);
}

const { options: parsed } = command;
setLang(parsed.lang);
try {
  // Before calibrating or starting anything: a folder that cannot be written ends the run now, in one line.
  ensureWritableDir(parsed.outDir);
} catch (error: unknown) {
  console.error(`bench: --out: ${messageOf(error)}`);
  process.exit(2);
}
// Client and server apart: a target that is no lab server, or a machine that cannot make namespaces, ends here.
if (parsed.network !== null) {
  const why = netnsUnavailable();
  if (why !== null) {
    console.error(`bench: ${why}`);
    process.exit(2);
  }
}
// --netem-delay or --netem-rate without netem in the kernel: the lab's relay shapes the link instead, and the run says so.
const shaped = parsed.network === null || !shapesLink(parsed.network) ? null : { network: parsed.network, noNetem: netemUnavailable(parsed.network) };
const options = shaped === null ? parsed : { ...parsed, network: { ...shaped.network, delayBy: shaped.noNetem === null ? ('netem' as const) : ('relay' as const) } };
if (shaped !== null && shaped.noNetem !== null) {
  console.log(`bench: --netns: ${shaped.noNetem}: the lab's relay in the bench process adds ${linkShapeText(shaped.network)} instead (its CPU counts as the client's)`);
}
// --cpus server=…,client=…: pinning is asked for, so a machine that cannot pin ends the run here, in one line.
if (parsed.cpus.mode === 'spec') {
  const why = pinningUnavailable();
  if (why !== null) {
    console.error(`bench: ${why}`);
    process.exit(2);
  }
}
// --tls: the certificate is read or made now, before anything prints or starts (a .lab-tls that is a file, a link or
// open to others is one line here, not a failure after the banner).
if (options.tls) {
  try {
    await labCertificate();
  } catch (error: unknown) {
    console.error(`bench: --tls: ${messageOf(error)}`);
    process.exit(2);
  }
}
// Signals first: Ctrl-C or SIGTERM while a target is being asked, or while a server is checked, ends the run within
// a few seconds, whatever it was waiting for (every wait of the bench takes this signal; the watchdog is the floor).
const controller = new AbortController();
let signalled: NodeJS.Signals | undefined;
let resultsPath: string | null = null;
const STOP_WITHIN_MS = 5000;
const onSignal = (signal: NodeJS.Signals): void => {
  if (signalled !== undefined) process.exit(130); // second Ctrl-C: the exit hook still kills the servers
  signalled = signal;
  process.stderr.write(`\nbench: ${signal}: stopping the current server and saving the finished cases…\n`);
  controller.abort();
  setTimeout(() => {
    process.stderr.write(`bench: still stopping after ${STOP_WITHIN_MS / 1000} s: exiting now${resultsPath === null ? '' : `; the finished cases are in ${relative(process.cwd(), resultsPath)}`}\n`);
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  }, STOP_WITHIN_MS).unref();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

let remote: RemoteTarget | null = null;
if (options.target !== null) {
  try {
    remote = await connectTarget(options.target, controller.signal);
  } catch (error: unknown) {
    console.error(`bench: ${messageOf(error)}`);
    process.exit(signalled === undefined ? 2 : signalled === 'SIGTERM' ? 143 : 130);
  }
  console.log(`bench: target ${remote.url}: ${remote.model}${Object.keys(remote.params).length === 0 ? '' : ` (${Object.entries(remote.params).map(([k, v]) => `${String(v)} ${k}`).join(', ')})`}, round trip ${remote.rtt.medianMs.toFixed(2)} ms median, ${remote.rtt.minMs.toFixed(2)} ms min, idle`);
}
const progress = createProgress(process.stderr);
const t0 = performance.now();
const banner =
  `bench: profile ${options.profile}: ${remote === null ? options.models.join(', ') : remote.model}${options.network === null ? '' : ` (each in a network namespace${shapesLink(options.network) ? `, ${linkShapeText(options.network)}${options.network.delayBy === 'relay' ? " by the lab's relay" : ''}` : ''})`} × ${options.workloads.join(', ')} × ` +
  (options.open === null
    ? `${options.connections.join(', ')} clients; `
    : `${options.open.rates.join(', ')} req/s offered (open loop, ${options.open.arrivals}, at most ${options.open.maxInflight} in flight; 1 client first, for the predictions); `) +
  `trials of ${options.durationSeconds} s, ${options.trials} to ${options.maxTrials} per case, interleaved; budget ${formatDuration(options.budgetSeconds)}`;
// --live: the view's server starts before anything else (a port in use is one line, status 2, before any server).
let live: Live | null = null;
if (options.live !== null) {
  try {
    // The view's title says how the servers are spoken to too, when it is not plain HTTP with keep-alive.
    const transport = options.tls || options.newConnections || options.sessions !== 'shared' ? `; ${transportText(options)}` : '';
    live = await startLive(options.live.port, `${banner.replace(/^bench: /, '')}${transport}`);
  } catch (error: unknown) {
    console.error(`bench: --live${options.live.port === 0 ? '' : `-port ${options.live.port}`}: ${messageOf(error)}`);
    process.exit(2);
  }
  process.stderr.write(`live: ${live.url}\n`);
}
console.log(banner);
// --share: the class hub hears of each trial as it starts and gets the results file at the end.
const sharer = options.share === null ? null : createSharer(options.share);
/** Sends the written file to the hub; a failure is one line, and the run's exit status stays what it was. */
async function share(path: string): Promise<void> {
  if (sharer === null || options.share === null) return;
  const outcome = await sharer.upload(readFileSync(path, 'utf8'));
  if ('id' in outcome) console.log(`shared:  ${options.share.url} as ${options.share.name} (run ${outcome.id})`);
  else console.error(`bench: --share: sharing failed (${outcome.error}); the run is kept here`);
}
// How the servers are spoken to, when it is not plain HTTP with keep-alive and shared sessions.
if (options.tls || options.newConnections || options.sessions !== 'shared') {
  console.log(`bench: ${transportText(options)}${options.workloads.includes('session') ? ' (the session workload: always a new connection per visit)' : ''}`);
}
try {
  const { results, resultsPath: written } = await runBench(options, controller.signal, {
    ...live?.hooks,
    onResultsPath: (path) => {
      resultsPath = path;
    },
    onPhase: (text) => {
      progress.phase(text);
      live?.hooks.onPhase(text);
      sharer?.progress(text);
    },
    onTrialStart: (info) => {
      progress.trialStart(info);
      live?.hooks.onTrialStart(info);
      sharer?.progress(`${info.workload} × ${info.rate === undefined ? info.connections : `${info.rate}/s`} · ${info.model} · round ${info.round} (cell ${info.cell} of ${info.cells})`);
    },
    onTrialEnd: (info, run) => {
      progress.trialEnd(info, run);
      live?.hooks.onTrialEnd(info, run);
    },
    onCellEnd: (cell, cells, cases) => {
      progress.cellEnd(cell, cells, cases);
      live?.hooks.onCellEnd(cell, cells, cases);
    },
  }, remote);
  progress.clear();
  console.log(`\n${summaryTables(results)}`);
  const shown = relative(process.cwd(), written);
  const wall = formatDuration((performance.now() - t0) / 1000);
  if (!results.complete) {
    refreshIndex(options.outDir);
    const partial = writeRunReport(written);
    console.error(`bench: report of the finished cases: ${relative(process.cwd(), partial.path)}`);
    console.error(`bench: interrupted after ${results.cases.length} cases (${wall}); partial results, marked incomplete: ${shown}`);
    await sharer?.stopped();
    await live?.end({ outcome: 'interrupted', message: `${results.cases.length} case${results.cases.length === 1 ? '' : 's'} finished; partial results in ${resolve(written)}, report ${resolve(partial.path)}` });
    process.exit(signalled === 'SIGTERM' ? 143 : 130);
  }
  console.log(`results: ${shown}  (${results.cases.length} cases in ${wall})`);
  const index = refreshIndex(options.outDir);
  const report = writeRunReport(written);
  console.log(`report:  ${relative(process.cwd(), report.path)}`);
  console.log(`index:   ${relative(process.cwd(), index.path)}`);
  for (const skipped of index.skipped) console.error(`index: left out ${skipped}`);
  await share(written);
  await live?.end({ outcome: 'complete', message: `${results.cases.length} case${results.cases.length === 1 ? '' : 's'} in ${wall}; report ${resolve(report.path)}` });
  // Exit now: autocannon can leave request timers behind for connections to a server that died mid-case.
  process.exit(0);
} catch (error: unknown) {
  progress.clear();
  console.error(`bench: ${messageOf(error)}`);
  await sharer?.stopped();
  await live?.end({ outcome: 'failed', message: messageOf(error) });
  process.exit(1);
}
