/**
 * npm run bench -- [options]: drives many clients at every model and writes results (and the report).
 */
import { faultLabel } from '../bench/plan/faults.js';
import { checkAgents } from '../bench/agents/broker-agents.js';
import { shownBroker } from '../lib/broker-url.js';
import { dirname, relative, resolve } from 'node:path';
import { benchHelp, parseBenchArgs } from '../bench/plan/parse-args.js';
import { shapesLink } from '../bench/network/link-shape.js';
import { cellLabel, createProgress } from '../bench/run/progress.js';
import { agentsLocalOnly, runBench } from '../bench/run/run.js';
import { summaryTables } from '../reports/text/summary.js';
import { formatDuration } from '../lib/format.js';
import { linkShapeText, transportText } from '../reports/text/transport.js';
import { refreshIndex, writeRunReport } from '../reports/write.js';
import { spoken, spokenMessage } from '../lib/errors.js';
import { paramText } from '../lib/args.js';
import { ensureWritableDir } from '../lib/files.js';
import { netemUnavailable, netnsUnavailable } from '../bench/network/netns.js';
import { connectTarget, type RemoteTarget } from '../bench/network/remote.js';
import { startLive, type Live } from './bench-live.js';
import { labCertificate } from '../servers/tls-cert.js';
import { pinningUnavailable } from '../bench/machine/placement.js';
import { createSharer } from '../bench/network/share.js';
import { decimal, setLang, t } from '../lib/lang/lang.js';
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Results } from '../results/schema.js';
import { judgeThresholds, thresholdStatus } from '../results/thresholds.js';
import { junitXml, markdownSummary, thresholdLines } from '../reports/text/ci-output.js';

// The language first (--lang, else LANG): every line from here on is in it, an option's error too.
const command = parseBenchArgs(process.argv.slice(2));
setLang(command.lang);
if (command.kind === 'help') {
  console.log(benchHelp());
  process.exit(0);
}
if (command.kind === 'error') {
  console.error(`bench: ${t('cli.seeHelp', { message: command.message })}`);
  process.exit(2);
}

const { options: parsed } = command;
try {
  // Before calibrating or starting anything: a folder that cannot be written ends the run now, in one line.
  ensureWritableDir(parsed.outDir);
} catch (error: unknown) {
  console.error(`bench: --out: ${spokenMessage(error)}`);
  process.exit(2);
}
// The CI files too: a run of minutes must not end on a path it cannot write (a folder, a folder that does not exist:
// never made here, a typo must not create folders).
for (const [flag, path] of [['summary-md', parsed.summaryMd], ['junit', parsed.junit]] as const) {
  if (path === null) continue;
  const why = outputFileProblem(resolve(path));
  if (why !== null) {
    console.error(`bench: --${flag}: ${t('file.cannotWrite', { path: resolve(path), reason: why })}`);
    process.exit(2);
  }
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
  console.log(`bench: ${t('cli.bench.relay', { why: shaped.noNetem, shape: linkShapeText(shaped.network) })}`);
}
// --cpus server=…,client=…: pinning is asked for, so a machine that cannot pin ends the run here, in one line.
if (parsed.cpus.mode === 'spec') {
  const why = pinningUnavailable();
  if (why !== null) {
    console.error(`bench: ${spoken(why)}`);
    process.exit(2);
  }
}
// --tls: the certificate is read or made now, before anything prints or starts (a .lab-tls that is a file, a link or
// open to others is one line here, not a failure after the banner).
if (options.tls) {
  try {
    await labCertificate();
  } catch (error: unknown) {
    console.error(`bench: --tls: ${spokenMessage(error)}`);
    process.exit(2);
  }
}
// Signals first: Ctrl-C or SIGTERM while a target is being asked, or while a server is checked, ends the run within
// a few seconds, whatever it was waiting for (every wait of the bench takes this signal; the watchdog is the floor).
const controller = new AbortController();
let signalled: NodeJS.Signals | undefined;
let resultsPath: string | null = null;
const STOP_WITHIN_MS = 5000;
/** Under `npm run`, one Ctrl-C arrives twice (the terminal's, to the whole group, and npm's, passed on): one press. */
const SAME_PRESS_MS = 1000;
let signalledAt = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  if (signalled !== undefined) {
    // A second Ctrl-C: the exit hook still kills the servers.
    if (Date.now() - signalledAt > SAME_PRESS_MS) process.exit(130);
    return;
  }
  signalled = signal;
  signalledAt = Date.now();
  process.stderr.write(`\nbench: ${t('cli.bench.stopping', { signal })}\n`);
  controller.abort();
  setTimeout(() => {
    const seconds = STOP_WITHIN_MS / 1000;
    process.stderr.write(`bench: ${resultsPath === null ? t('cli.bench.stillStopping', { seconds }) : t('cli.bench.stillStoppingSaved', { seconds, path: relative(process.cwd(), resultsPath) })}\n`);
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
    console.error(`bench: ${spokenMessage(error)}`);
    process.exit(signalled === undefined ? 2 : signalled === 'SIGTERM' ? 143 : 130);
  }
  const params = Object.entries(remote.params).map(([k, v]) => paramText(k, v)).join(', ');
  console.log(`bench: ${t('cli.bench.target', { url: remote.url, model: remote.model, params: params === '' ? '' : ` (${params})`, median: remote.rtt.medianMs, min: remote.rtt.minMs })}`);
}
// --broker: the broker answers and holds enough agents, or the run ends here in one line, before any server starts.
if (options.broker !== null) {
  try {
    // The lab's own servers (or a loopback --target) listen on this machine's loopback: only its own agents reach them.
    await checkAgents(options.broker, options.agents, agentsLocalOnly(options.target));
  } catch (error: unknown) {
    console.error(`bench: ${spokenMessage(error)}`);
    process.exit(2);
  }
}
const progress = createProgress(process.stderr);
const t0 = performance.now();
const network =
  options.network === null
    ? ''
    : !shapesLink(options.network)
      ? t('prog.banner.netns')
      : t(options.network.delayBy === 'relay' ? 'prog.banner.netnsRelay' : 'prog.banner.netnsShaped', { shape: linkShapeText(options.network) });
const banner = `bench: ${t('prog.banner', {
  profile: options.profile,
  models: remote === null ? options.models.join(', ') : remote.model,
  network,
  workloads: options.workloads.join(', '),
  load: options.open === null
    ? t('prog.banner.closed', { connections: options.connections.join(', ') })
    : t('prog.banner.open', { rates: options.open.rates.join(', '), arrivals: options.open.arrivals, inflight: String(options.open.maxInflight) }),
  duration: decimal(String(options.durationSeconds)),
  trials: String(options.trials),
  maxTrials: String(options.maxTrials),
  budget: formatDuration(options.budgetSeconds),
})}${options.broker !== null ? t('prog.banner.broker', { n: options.agents, broker: shownBroker(options.broker) }) : options.agents > 1 ? t('prog.banner.agents', { n: options.agents }) : ''}${options.faults.length > 0 ? t('prog.banner.faults', { faults: options.faults.map(faultLabel).join(', ') }) : ''}`;
// --live: the view's server starts before anything else (a port in use is one line, status 2, before any server).
let live: Live | null = null;
if (options.live !== null) {
  try {
    // The view's title says how the servers are spoken to too, when it is not plain HTTP with keep-alive.
    const transport = options.tls || options.newConnections || options.sessions !== 'shared' ? `; ${transportText(options)}` : '';
    live = await startLive(options.live.port, `${banner.replace(/^bench: /, '')}${transport}`);
  } catch (error: unknown) {
    console.error(`bench: --live${options.live.port === 0 ? '' : `-port ${options.live.port}`}: ${spokenMessage(error)}`);
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
  if ('id' in outcome) console.log(t('cli.bench.shared', { url: options.share.url, name: options.share.name, id: String(outcome.id) }));
  else console.error(`bench: ${t('cli.bench.shareFailed', { why: outcome.error })}`);
}
// How the servers are spoken to, when it is not plain HTTP with keep-alive and shared sessions.
if (options.tls || options.newConnections || options.sessions !== 'shared') {
  console.log(`bench: ${transportText(options)}${options.workloads.includes('session') ? t('cli.bench.sessionWorkload') : ''}`);
}
/** Why a file cannot be written at `path` (its folder missing or not writable, the path a folder), or null. */
function outputFileProblem(path: string): string | null {
  try {
    if (existsSync(path) && statSync(path).isDirectory()) return 'EISDIR';
    const dir = dirname(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return 'ENOENT';
    accessSync(dir, constants.W_OK);
    return null;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code ?? 'EACCES';
  }
}

/**
 * The thresholds (--expect), judged on the finished run: a line each, the CI files written, and the exit status (3 when
 * one is breached, or unsure under --expect-strict). A run is an experiment: without thresholds it exits 0.
 */
function judgeForCi(results: Results): 0 | 3 {
  const judged = judgeThresholds(options.thresholds, results.cases);
  for (const line of thresholdLines(judged)) console.log(line);
  const written = (what: string, path: string, text: string): void => {
    writeFileSync(path, text);
    console.log(t('ci.wrote', { what, path: relative(process.cwd(), resolve(path)) }));
  };
  if (options.summaryMd !== null) written(t('ci.what.summary'), options.summaryMd, markdownSummary(results, judged, options.expectStrict));
  if (options.junit !== null) written('JUnit', options.junit, junitXml(results, judged, options.expectStrict));
  const status = thresholdStatus(judged, options.expectStrict);
  if (status === 3) console.error(`bench: ${t(judged.some((r) => r.verdict === 'breached') ? 'ci.exit.breached' : 'ci.exit.unsure')}`);
  return status;
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
      sharer?.progress(t('prog.share', { cell: cellLabel(info), model: info.model, round: String(info.round), index: String(info.cell), cells: String(info.cells) }));
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
    console.error(`bench: ${t('cli.bench.partialReport', { path: relative(process.cwd(), partial.path) })}`);
    console.error(`bench: ${t('cli.bench.interrupted', { n: String(results.cases.length), wall, path: shown })}`);
    await sharer?.stopped();
    const finished = results.cases.length;
    await live?.end({ outcome: 'interrupted', message: t(finished === 1 ? 'cli.bench.liveInterrupted.one' : 'cli.bench.liveInterrupted.many', { n: String(finished), path: resolve(written), report: resolve(partial.path) }) });
    process.exit(signalled === 'SIGTERM' ? 143 : 130);
  }
  console.log(t('cli.bench.results', { path: shown, n: String(results.cases.length), wall }));
  const index = refreshIndex(options.outDir);
  const report = writeRunReport(written);
  console.log(t('cli.bench.report', { path: relative(process.cwd(), report.path) }));
  console.log(t('cli.bench.index', { path: relative(process.cwd(), index.path) }));
  for (const skipped of index.skipped) console.error(t('cli.bench.indexSkipped', { file: skipped }));
  await share(written);
  const cases = results.cases.length;
  await live?.end({ outcome: 'complete', message: t(cases === 1 ? 'cli.bench.liveComplete.one' : 'cli.bench.liveComplete.many', { n: String(cases), wall, report: resolve(report.path) }) });
  // Exit now: autocannon can leave request timers behind for connections to a server that died mid-case.
  process.exit(judgeForCi(results));
} catch (error: unknown) {
  progress.clear();
  console.error(`bench: ${spokenMessage(error)}`);
  await sharer?.stopped();
  await live?.end({ outcome: 'failed', message: spokenMessage(error) });
  process.exit(1);
}
