/**
 * npm run bench -- [options]: drives many clients at every model and writes results (and the report).
 */
import { relative } from 'node:path';
import { benchHelp, parseBenchArgs } from '../bench/options.js';
import { createProgress } from '../bench/progress.js';
import { runBench } from '../bench/run.js';
import { summaryTables } from '../bench/summary.js';
import { formatDuration } from '../results/format.js';
import { transportText } from '../results/transport.js';
import { refreshIndex, writeRunReport } from '../reports/write.js';
import { messageOf } from '../lib/errors.js';
import { ensureWritableDir } from '../lib/files.js';

const command = parseBenchArgs(process.argv.slice(2));
if (command.kind === 'help') {
  console.log(benchHelp());
  process.exit(0);
}
if (command.kind === 'error') {
  console.error(`bench: ${command.message} (see --help)`);
  process.exit(2);
}

const { options } = command;
try {
  // Before calibrating or starting anything: a folder that cannot be written ends the run now, in one line.
  ensureWritableDir(options.outDir);
} catch (error: unknown) {
  console.error(`bench: --out: ${messageOf(error)}`);
  process.exit(2);
}
const controller = new AbortController();
let signalled: NodeJS.Signals | undefined;
const onSignal = (signal: NodeJS.Signals): void => {
  if (signalled !== undefined) process.exit(130); // second Ctrl-C: the exit hook still kills the servers
  signalled = signal;
  process.stderr.write(`\nbench: ${signal}: stopping the current server and saving the finished cases…\n`);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const progress = createProgress(process.stderr);
const t0 = performance.now();
console.log(
  `bench: profile ${options.profile}: ${options.models.join(', ')} × ${options.workloads.join(', ')} × ` +
    (options.open === null
      ? `${options.connections.join(', ')} clients; `
      : `${options.open.rates.join(', ')} req/s offered (open loop, ${options.open.arrivals}, at most ${options.open.maxInflight} in flight; 1 client first, for the predictions); `) +
    `trials of ${options.durationSeconds} s, ${options.trials} to ${options.maxTrials} per case, interleaved; budget ${formatDuration(options.budgetSeconds)}`,
);
// How the servers are spoken to, when it is not plain HTTP with keep-alive and shared sessions.
if (options.tls || options.newConnections || options.sessions !== 'shared') {
  console.log(`bench: ${transportText(options)}${options.workloads.includes('session') ? ' (the session workload: always a new connection per visit)' : ''}`);
}
try {
  const { results, resultsPath } = await runBench(options, controller.signal, {
    onPhase: (text) => {
      progress.phase(text);
    },
    onTrialStart: (info) => {
      progress.trialStart(info);
    },
    onTrialEnd: (info, run) => {
      progress.trialEnd(info, run);
    },
    onCellEnd: (cell, cells, cases) => {
      progress.cellEnd(cell, cells, cases);
    },
  });
  progress.clear();
  console.log(`\n${summaryTables(results)}`);
  const shown = relative(process.cwd(), resultsPath);
  const wall = formatDuration((performance.now() - t0) / 1000);
  if (!results.complete) {
    refreshIndex(options.outDir);
    const partial = writeRunReport(resultsPath);
    console.error(`bench: report of the finished cases: ${relative(process.cwd(), partial.path)}`);
    console.error(`bench: interrupted after ${results.cases.length} cases (${wall}); partial results, marked incomplete: ${shown}`);
    process.exit(signalled === 'SIGTERM' ? 143 : 130);
  }
  console.log(`results: ${shown}  (${results.cases.length} cases in ${wall})`);
  const index = refreshIndex(options.outDir);
  const report = writeRunReport(resultsPath);
  console.log(`report:  ${relative(process.cwd(), report.path)}`);
  console.log(`index:   ${relative(process.cwd(), index.path)}`);
  for (const skipped of index.skipped) console.error(`index: left out ${skipped}`);
  // Exit now: autocannon can leave request timers behind for connections to a server that died mid-case.
  process.exit(0);
} catch (error: unknown) {
  progress.clear();
  console.error(`bench: ${messageOf(error)}`);
  process.exit(1);
}
