/**
 * Every option of `npm run bench`, once: the parser (bench/plan/parse-args.ts), the help text and the README's table
 * of options (checked by a test) are all made from this list.
 */
import { MODEL_NAMES, defaultProcesses, defaultThreads } from '../../servers/catalogue.js';
import { WORKLOAD_NAMES } from './workloads.js';

/** Options that take a value, by their key in BenchOptions. */
export type ValueKey =
  | 'profile' | 'models' | 'workloads' | 'connections' | 'duration' | 'warmup' | 'trials' | 'maxTrials' | 'budget' | 'seed'
  | 'threads' | 'processes' | 'rate' | 'arrivals' | 'maxInflight' | 'out' | 'target' | 'netemDelay' | 'netemRate' | 'livePort' | 'sessions' | 'cpus'
  | 'share' | 'name' | 'code' | 'token' | 'lang' | 'hold' | 'members';
/** Options that are flags. */
export type FlagKey = 'recalibrate' | 'netns' | 'live' | 'tls' | 'newConnections' | 'help';

export type OptionSpec =
  | { readonly flag: string; readonly type: 'string'; readonly key: ValueKey; readonly arg: string; readonly help: readonly string[] }
  | { readonly flag: string; readonly type: 'boolean'; readonly key: FlagKey; readonly help: readonly string[] };

/** Open loop defaults where the options do not say (bench/plan/options.ts uses them; the help names them). */
export const OPEN_DEFAULTS = { durationSeconds: 5, warmupSeconds: 1, trials: 2, maxTrials: 3, maxInflight: 64 } as const;
/** ws-chat's room where the options do not say. */
export const CHAT_DEFAULTS = { members: 20 } as const;

const value = (flag: string, key: ValueKey, arg: string, ...help: string[]): OptionSpec => ({ flag, type: 'string', key, arg, help });
const flag = (name: string, key: FlagKey, ...help: string[]): OptionSpec => ({ flag: name, type: 'boolean', key, help });

export const BENCH_OPTIONS: readonly OptionSpec[] = [
  value('profile', 'profile', '<name>', 'smoke | quick | default | course | class | full (default: default)'),
  value('models', 'models', 'a,b,…', MODEL_NAMES.join(', ')),
  value('workloads', 'workloads', 'a,b,…', WORKLOAD_NAMES.join(', ')),
  value('connections', 'connections', '1,4,16', 'concurrent clients (closed loop), one case per value'),
  value('duration', 'duration', '<seconds>', 'measured window of each trial'),
  value('warmup', 'warmup', '<seconds>', 'load before each window, not recorded (0 for none)'),
  value('trials', 'trials', '<n>', 'trials per case, fixed before any is measured, interleaved with the other models in rounds'),
  value('max-trials', 'maxTrials', '<n>', 'at most, counting retries of trials marked because the machine was slower (within the budget)'),
  value('budget', 'budget', '<seconds>', 'time the run may take: marked trials are retried only within it'),
  value('seed', 'seed', '<n>', 'seed of the shuffled order of models in each round (default: random, recorded)'),
  value('threads', 'threads', '<n>', `worker-pool threads, thread-per-request's bound (default ${defaultThreads()}, the cores)`),
  value('processes', 'processes', '<n>', `cluster processes, process-per-request's bound (default ${defaultProcesses()}, the cores)`),
  value('cpus', 'cpus', '<where>', 'where servers and client run: auto (default), none, or server=LIST,client=LIST', '(taskset lists such as 0-5 and 6,7; auto: the client on its own cores from 4 cores up, else per cell)'),
  value('rate', 'rate', '50,200,1000', 'open loop: requests per second offered whatever the server does, one case per rate;', `then --duration defaults to ${OPEN_DEFAULTS.durationSeconds} s, --warmup to ${OPEN_DEFAULTS.warmupSeconds} s, --trials to ${OPEN_DEFAULTS.trials} (up to ${OPEN_DEFAULTS.maxTrials})`),
  value('arrivals', 'arrivals', '<kind>', 'constant (even spacing, the default) | poisson (random gaps of the same mean)'),
  value('max-inflight', 'maxInflight', '<n>', `open loop: most requests in flight, i.e. connections (default ${OPEN_DEFAULTS.maxInflight}); more wait, counted late`),
  value('hold', 'hold', '1000,5000', 'idle WebSocket connections held open through every trial, one case per value (0: none);', "the server's memory per held connection, and the clients' latency meanwhile (the C10k lesson)"),
  value('members', 'members', '<n>', `ws-chat: members of the room, the publisher included (default ${CHAT_DEFAULTS.members}); the rate is --rate`),
  flag('recalibrate', 'recalibrate', 'measure the CPU calibration afresh (by default a machine keeps its first one in <out>/calibration.json)'),
  value('out', 'out', '<dir>', 'where runs go (default reports/runs): <dir>/<run-id>/results.json'),
  value('target', 'target', '<url>', 'drive a server started elsewhere (npm run serve -- <model> --host 0.0.0.0 on that host);', 'its model and parameters come from its /health; any host, since you named it'),
  flag('netns', 'netns', 'Linux, root: each server in a network namespace of its own, over a veth link'),
  value('netem-delay', 'netemDelay', '<ms>', 'with --netns: one-way delay added on each end of that link (round trip + 2 × ms);', 'by tc netem, or without netem in the kernel by a relay in the bench (client CPU)'),
  value('netem-rate', 'netemRate', '<Mbit/s>', 'with --netns: the link carries at most this many megabits per second each way', '(tc netem, or the same relay where the kernel has no netem)'),
  flag('live', 'live', 'follow the run in a browser: prints live: http://127.0.0.1:<port>/ (a free port)'),
  value('live-port', 'livePort', '<n>', 'the live view on this port (implies --live)'),
  flag('tls', 'tls', "every server speaks HTTPS (the lab's self-signed certificate, in .lab-tls/)"),
  flag('new-connections', 'newConnections', 'every request on a new connection (a TCP, and with --tls a TLS, handshake each)'),
  value('sessions', 'sessions', '<mode>', 'where /visits counts in every server: shared (default) | local (each process or', 'thread its own); see the session workload (--workloads session: not in any profile)'),
  value('share', 'share', '<url>', "send the run to a class hub (npm run class): live progress, then the results file;", 'a hub that is down or refuses costs one line, never the local run'),
  value('name', 'name', '<name>', 'with --share: your name on the class page (1 to 40 characters)'),
  value('code', 'code', '<code>', 'with --share: the class code the hub printed'),
  value('token', 'token', '<token>', "with --share: your name's token, where the hub gave it elsewhere (the page, another machine);", 'the bench keeps the one it is given in reports/.class-tokens.json'),
  value('lang', 'lang', 'en|fr', 'the language of the summary and the report (default: from LANG)'),
  flag('help', 'help', 'this text'),
];

/** "--max-trials <n>": how an option is written. */
export function optionUsage(spec: OptionSpec): string {
  return spec.type === 'string' ? `--${spec.flag} ${spec.arg}` : `--${spec.flag}`;
}
