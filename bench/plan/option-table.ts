/**
 * Every option of `npm run bench`, once: the parser (bench/plan/parse-args.ts), the help text and the README's table
 * of options (checked by a test) are all made from this list.
 */
import { MODEL_NAMES, defaultProcesses, defaultThreads } from '../../servers/catalogue.js';
import { WORKLOAD_NAMES } from './workloads.js';
import { t, type TextKey } from '../../lib/lang/lang.js';

/** Options that take a value, by their key in BenchOptions. */
export type ValueKey =
  | 'profile' | 'models' | 'workloads' | 'connections' | 'duration' | 'warmup' | 'trials' | 'maxTrials' | 'budget' | 'seed'
  | 'threads' | 'processes' | 'rate' | 'arrivals' | 'maxInflight' | 'out' | 'target' | 'netemDelay' | 'netemRate' | 'livePort' | 'sessions' | 'cpus'
  | 'share' | 'name' | 'code' | 'token' | 'lang' | 'hold' | 'members' | 'expect' | 'fault' | 'agents' | 'broker' | 'expectFile' | 'summaryMd' | 'junit';
/** Options that are flags. */
export type FlagKey = 'recalibrate' | 'netns' | 'live' | 'tls' | 'newConnections' | 'expectStrict' | 'help';

/** The option's help: a catalogue text (a line break in it is a line of the help) and what fills it. */
interface OptionHelp {
  readonly help: TextKey;
  readonly vars?: () => Readonly<Record<string, string | number>>;
}

export type OptionSpec =
  | ({ readonly flag: string; readonly type: 'string'; readonly key: ValueKey; readonly arg: string; readonly multiple?: true } & OptionHelp)
  | ({ readonly flag: string; readonly type: 'boolean'; readonly key: FlagKey } & OptionHelp);

/** Open loop defaults where the options do not say (bench/plan/options.ts uses them; the help names them). */
export const OPEN_DEFAULTS = { durationSeconds: 5, warmupSeconds: 1, trials: 2, maxTrials: 3, maxInflight: 64 } as const;
/** ws-chat's room where the options do not say. */
export const CHAT_DEFAULTS = { members: 20 } as const;

type Vars = () => Readonly<Record<string, string | number>>;
const value = (flag: string, key: ValueKey, arg: string, help: TextKey, vars?: Vars): OptionSpec => ({ flag, type: 'string', key, arg, help, ...(vars === undefined ? {} : { vars }) });
const flag = (name: string, key: FlagKey, help: TextKey): OptionSpec => ({ flag: name, type: 'boolean', key, help });
/** A line of names, the same in every language. */
const names = (list: readonly string[]): Vars => () => ({ names: list.join(', ') });

export const BENCH_OPTIONS: readonly OptionSpec[] = [
  value('profile', 'profile', '<name>', 'opt.help.profile'),
  value('models', 'models', 'a,b,…', 'opt.help.names', names(MODEL_NAMES)),
  value('workloads', 'workloads', 'a,b,…', 'opt.help.names', names(WORKLOAD_NAMES)),
  value('connections', 'connections', '1,4,16', 'opt.help.connections'),
  value('duration', 'duration', '<seconds>', 'opt.help.duration'),
  value('warmup', 'warmup', '<seconds>', 'opt.help.warmup'),
  value('trials', 'trials', '<n>', 'opt.help.trials'),
  value('max-trials', 'maxTrials', '<n>', 'opt.help.maxTrials'),
  value('budget', 'budget', '<seconds>', 'opt.help.budget'),
  value('seed', 'seed', '<n>', 'opt.help.seed'),
  value('threads', 'threads', '<n>', 'opt.help.threads', () => ({ n: defaultThreads() })),
  value('processes', 'processes', '<n>', 'opt.help.processes', () => ({ n: defaultProcesses() })),
  value('cpus', 'cpus', '<where>', 'opt.help.cpus'),
  value('rate', 'rate', '50,200,1000', 'opt.help.rate', () => ({ duration: OPEN_DEFAULTS.durationSeconds, warmup: OPEN_DEFAULTS.warmupSeconds, trials: OPEN_DEFAULTS.trials, maxTrials: OPEN_DEFAULTS.maxTrials })),
  value('arrivals', 'arrivals', '<kind>', 'opt.help.arrivals'),
  value('max-inflight', 'maxInflight', '<n>', 'opt.help.maxInflight', () => ({ n: OPEN_DEFAULTS.maxInflight })),
  value('hold', 'hold', '1000,5000', 'opt.help.hold'),
  value('members', 'members', '<n>', 'opt.help.members', () => ({ n: CHAT_DEFAULTS.members })),
  flag('recalibrate', 'recalibrate', 'opt.help.recalibrate'),
  value('out', 'out', '<dir>', 'opt.help.out'),
  value('target', 'target', '<url>', 'opt.help.target'),
  flag('netns', 'netns', 'opt.help.netns'),
  value('netem-delay', 'netemDelay', '<ms>', 'opt.help.netemDelay'),
  value('netem-rate', 'netemRate', '<Mbit/s>', 'opt.help.netemRate'),
  flag('live', 'live', 'opt.help.live'),
  value('live-port', 'livePort', '<n>', 'opt.help.livePort'),
  flag('tls', 'tls', 'opt.help.tls'),
  flag('new-connections', 'newConnections', 'opt.help.newConnections'),
  value('sessions', 'sessions', '<mode>', 'opt.help.sessions'),
  value('share', 'share', '<url>', 'opt.help.share'),
  value('name', 'name', '<name>', 'opt.help.name'),
  value('code', 'code', '<code>', 'opt.help.code'),
  value('token', 'token', '<token>', 'opt.help.token'),
  value('lang', 'lang', 'en|fr', 'opt.help.lang'),
  { flag: 'expect', type: 'string', key: 'expect', arg: "'<threshold>'", help: 'opt.help.expect', multiple: true },
  value('expect-file', 'expectFile', '<file>', 'opt.help.expectFile'),
  { flag: 'fault', type: 'string', key: 'fault', arg: "'<kind>@<seconds>[:<arg>]'", help: 'opt.help.fault', multiple: true },
  value('agents', 'agents', '<n>', 'opt.help.agents'),
  value('broker', 'broker', '<url>', 'opt.help.broker'),
  flag('expect-strict', 'expectStrict', 'opt.help.expectStrict'),
  value('summary-md', 'summaryMd', '<file>', 'opt.help.summaryMd'),
  value('junit', 'junit', '<file>', 'opt.help.junit'),
  flag('help', 'help', 'opt.help.help'),
];

/** The lines of an option's help, in the current language. */
export function optionHelp(spec: OptionSpec): string[] {
  return t(spec.help, spec.vars?.() ?? {}).split('\n');
}

/** The placeholders of option values that are words, said in the help's language. */
const ARG_WORDS: Readonly<Record<string, TextKey>> = {
  '<seconds>': 'opt.arg.seconds',
  '<name>': 'opt.arg.name',
  '<where>': 'opt.arg.where',
  '<kind>': 'opt.arg.kind',
  '<dir>': 'opt.arg.dir',
  '<file>': 'opt.arg.file',
  '<url>': 'opt.arg.url',
  '<code>': 'opt.arg.code',
  '<token>': 'opt.arg.token',
};

/** "--max-trials <n>": how an option is written (in the help, in the current language). */
export function optionUsage(spec: OptionSpec): string {
  if (spec.type !== 'string') return `--${spec.flag}`;
  const word = ARG_WORDS[spec.arg];
  return `--${spec.flag} ${word === undefined ? spec.arg : t(word)}`;
}
