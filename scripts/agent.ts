/**
 * npm run agent -- --broker redis://HOST:PORT [--name NAME] [--cpus LIST] [--lang en|fr]: a load agent that a bench
 * on any machine reaching the same broker can split its load with (bench/agents/agent.ts). It runs until Ctrl-C.
 */
import { langOfArgs } from '../lib/args.js';
import { spokenMessage, spoken } from '../lib/errors.js';
import { setLang, t } from '../lib/lang/lang.js';
import { shownBroker } from '../lib/broker-url.js';
import { parseAgentArgs } from '../bench/agents/agent-args.js';
import { startAgent, type RunningAgent } from '../bench/agents/agent.js';
import { pinningUnavailable } from '../bench/machine/placement.js';

const argv = process.argv.slice(2);
const { lang, problem: langProblem } = langOfArgs(argv);
setLang(lang);
const fail = (message: string): never => {
  console.error(`agent: ${message}`);
  process.exit(2);
};
if (langProblem !== undefined) fail(langProblem);
const command = parseAgentArgs(argv);
if (command.kind === 'help') {
  console.log(t('cli.agent.usage'));
  process.exit(0);
}
if (command.kind === 'error') fail(`${spoken(command.message)} (${t('cli.agent.usage')})`);
const options = command.kind === 'run' ? command : fail(t('cli.agent.usage'));
if (options.cpus !== undefined) {
  const why = pinningUnavailable();
  if (why !== null) fail(spoken(why));
}

let agent: RunningAgent | null = null;
let stopping = false;
let stoppingAt = 0;
/** Under `npm run`, one Ctrl-C arrives twice (the terminal's, to the whole group, and npm's, passed on): one press. */
const SAME_PRESS_MS = 1000;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) {
    // A second Ctrl-C: the load processes end with this one (their pipes close); the broker's keys expire or stay.
    if (Date.now() - stoppingAt > SAME_PRESS_MS) process.exit(130);
    return;
  }
  stopping = true;
  stoppingAt = Date.now();
  console.log(`agent: ${t('cli.agent.stopping', { signal })}`);
  const done = agent === null ? Promise.resolve() : agent.stop();
  void done.finally(() => process.exit(0));
  setTimeout(() => process.exit(1), 5000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

try {
  agent = await startAgent({ ...options, say: (line) => {
    console.log(`agent: ${spoken(line)}`);
  } });
} catch (error: unknown) {
  fail(spokenMessage(error));
}
const r = agent?.registration;
if (r !== undefined) console.log(`agent: ${t('cli.agent.ready', { name: r.name, host: r.host, cores: r.cores, broker: shownBroker(options.broker), offset: r.clockOffsetMs })}`);
