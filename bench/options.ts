import { parseArgs } from 'node:util';
import { argsErrorMessage, parseWholeNumber } from '../lib/args.js';
import { DEFAULT_RUNS_DIR } from '../lib/paths.js';
import { CATALOGUE, MODEL_NAMES, defaultProcesses, defaultThreads, isModelName } from '../servers/catalogue.js';
import { PROFILES, PROFILE_NAMES, isProfileName, type Profile, type ProfileName } from './profiles.js';
import { BASELINE_WORKLOADS, WORKLOAD_NAMES, isWorkloadName } from './workloads.js';
import { ARRIVALS, type Arrivals } from './schedule.js';
import { isOneOf } from '../lib/guards.js';
import { SESSION_MODES, type SessionMode } from '../servers/model-types.js';

/** What the user may give; every field optional (the profile fills the rest). */
export interface BenchOptions {
  profile?: string;
  models?: string;
  workloads?: string;
  connections?: string;
  duration?: string;
  warmup?: string;
  trials?: string;
  maxTrials?: string;
  budget?: string;
  seed?: string;
  threads?: string;
  processes?: string;
  rate?: string;
  arrivals?: string;
  maxInflight?: string;
  recalibrate?: boolean;
  out?: string;
  /** Client and server apart: a server started elsewhere (--target), or each server in a network namespace (--netns). */
  target?: string;
  netns?: boolean;
  netemDelay?: string;
  netemRate?: string;
  /** --live (a flag) and --live-port: follow the run in a browser. */
  live?: boolean;
  livePort?: string;
  /** HTTPS, a new connection per request, and where sessions count (bench/transport.ts). */
  tls?: boolean;
  newConnections?: boolean;
  sessions?: string;
}

/** Open loop (--rate): the offered rates, how arrivals are spaced, and the client's connections. */
export interface OpenOptions {
  readonly rates: readonly number[];
  readonly arrivals: Arrivals;
  readonly maxInflight: number;
}

/** Options with every value checked and filled in: a profile's fields, with overrides applied. */
export interface ResolvedBenchOptions extends Omit<Profile, 'description'> {
  readonly profile: ProfileName;
  /** Pool threads of worker-pool and processes of cluster: the machine's cores unless told. */
  readonly threads: number;
  readonly processes: number;
  /** Seed of the shuffled order of models in each round (recorded, so a run's order can be replayed). */
  readonly seed: number;
  readonly outDir: string;
  /** Set by --rate: the run measures an open loop at these rates instead of closed-loop clients. */
  readonly open: OpenOptions | null;
  /** Measure the CPU calibration afresh instead of reusing the one kept in the runs folder (bench/calibration.ts). */
  readonly recalibrate: boolean;
  /** --target: the origin of a server started elsewhere with `npm run serve`; the bench starts none. */
  readonly target: string | null;
  /** --netns: each server in a network namespace of its own, over a veth link (bench/netns.ts). */
  readonly network: NetworkOptions | null;
  /** Set by --live or --live-port: serve the live view on 127.0.0.1 at this port (0: a free one). */
  readonly live: { readonly port: number } | null;
  /** Every server speaks HTTPS with the lab's self-signed certificate (--tls). */
  readonly tls: boolean;
  /** Every request on a new connection (--new-connections): the handshake's cost in every answer. */
  readonly newConnections: boolean;
  /** Where /visits counts in every server of the application (--sessions). */
  readonly sessions: SessionMode;
}

/** A real link between client and server: namespaces joined by veth, with an optional one-way delay on each end. */
export interface NetworkOptions {
  readonly namespaces: true;
  /** Delay added to each direction of the link, ms (the round trip gains twice this). */
  readonly delayMs: number;
  /** The link's rate each way, megabits per second (--netem-rate); absent: as fast as veth goes. */
  readonly rateMbit?: number;
  /** Who adds delay and rate: netem on both ends, or the lab's relay where the kernel has no netem (bench/netns.ts delayMethod). */
  readonly delayBy?: 'netem' | 'relay';
}

/** Whether the link is shaped at all: a delay, or a rate. */
export function shapesLink(network: NetworkOptions): boolean {
  return network.delayMs > 0 || network.rateMbit !== undefined;
}

export type BenchCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly options: ResolvedBenchOptions }
  | { readonly kind: 'error'; readonly message: string };

const MAX_CONNECTIONS = 10_000;
const MAX_SECONDS = 3600;
const MAX_WORKERS = 256;
const MAX_TRIALS = 100;
const MAX_RATE = 1_000_000;
const MAX_INFLIGHT = 10_000;
/** Fewest requests an open-loop window may plan at its lowest rate. */
export const MIN_PLANNED = 20;

/**
 * Open loop defaults where the options do not say: a window long enough for a queue to build (the lesson of
 * an overloaded server is how its latency grows with time), a warm-up, and 64 connections at most in flight.
 */
export const OPEN_DEFAULTS = { durationSeconds: 5, warmupSeconds: 1, trials: 2, maxTrials: 3, maxInflight: 64 } as const;

class OptionError extends Error {}

function list<T extends string>(flag: string, raw: string, known: readonly T[], isKnown: (s: string) => s is T): T[] {
  const items = raw.split(',').map((s) => s.trim());
  const out: T[] = [];
  for (const item of items) {
    if (item === '') throw new OptionError(`--${flag} has an empty item in ${JSON.stringify(raw)}`);
    if (!isKnown(item)) throw new OptionError(`--${flag}: unknown ${flag.replace(/s$/, '')} '${item}' (known: ${known.join(', ')})`);
    if (out.includes(item)) throw new OptionError(`--${flag}: '${item}' is listed twice`);
    out.push(item);
  }
  return out;
}

function positiveInts(flag: string, raw: string, max: number): number[] {
  const out: number[] = [];
  for (const item of raw.split(',').map((s) => s.trim())) {
    const value = parseWholeNumber(item);
    if (value === null || value < 1 || value > max) throw new OptionError(`--${flag}: ${JSON.stringify(item)} is not a whole number from 1 to ${max}`);
    if (out.includes(value)) throw new OptionError(`--${flag}: ${value} is listed twice`);
    out.push(value);
  }
  return out.sort((a, b) => a - b);
}

/** Requests per second: positive numbers, each once, in ascending order. */
function rates(raw: string): number[] {
  const out: number[] = [];
  for (const item of raw.split(',').map((s) => s.trim())) {
    const value = /^\d+(\.\d+)?$/.test(item) ? Number(item) : Number.NaN;
    if (!(value > 0 && value <= MAX_RATE)) throw new OptionError(`--rate: ${JSON.stringify(item)} is not a rate in requests per second, above 0 up to ${MAX_RATE.toLocaleString('en-US')}`);
    if (out.includes(value)) throw new OptionError(`--rate: ${value} is listed twice`);
    out.push(value);
  }
  return out.sort((a, b) => a - b);
}

function seconds(flag: string, raw: string, allowZero: boolean): number {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  const ok = Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && value <= MAX_SECONDS;
  if (!ok) throw new OptionError(`--${flag} must be a number of seconds, ${allowZero ? 'from 0' : 'above 0'} up to ${MAX_SECONDS}, got ${JSON.stringify(raw)}`);
  return value;
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const value = parseWholeNumber(raw);
  if (value === null || value < min || value > max) throw new OptionError(`--${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

/** Explicit options override the profile's; anything that makes no sense is an error here, before any server starts. */
export function resolveOptions(given: BenchOptions): ResolvedBenchOptions {
  const profileName = given.profile ?? 'default';
  if (!isProfileName(profileName)) throw new OptionError(`--profile: unknown profile '${profileName}' (known: ${PROFILE_NAMES.join(', ')})`);
  const profile = PROFILES[profileName];
  const openLoop = given.rate !== undefined;
  const trials = given.trials === undefined ? (openLoop ? OPEN_DEFAULTS.trials : profile.trials) : wholeNumber('trials', given.trials, 1, MAX_TRIALS);
  const maxTrials = given.maxTrials === undefined ? Math.max(trials, openLoop ? OPEN_DEFAULTS.maxTrials : profile.maxTrials) : wholeNumber('max-trials', given.maxTrials, 1, MAX_TRIALS);
  if (maxTrials < trials) throw new OptionError(`--max-trials (${maxTrials}) must be at least --trials (${trials})`);
  if (given.out?.trim() === '') throw new OptionError('--out must name a folder');
  const models = given.models === undefined ? profile.models : list('models', given.models, MODEL_NAMES, isModelName);
  const workloads = given.workloads === undefined ? profile.workloads : list('workloads', given.workloads, WORKLOAD_NAMES, isWorkloadName);
  // A reference model runs only its own workloads: a plan can be empty, which is a mistake, not a run.
  if (!models.some((m) => !CATALOGUE[m].reference || workloads.some((w) => BASELINE_WORKLOADS.includes(w)))) {
    throw new OptionError(`nothing to run: ${models.join(', ')} run${models.length === 1 ? 's' : ''} only the ${BASELINE_WORKLOADS.join(', ')} workload; add a model of the application or that workload`);
  }
  const open = openOptions(given);
  const duration = given.duration === undefined ? (open === null ? profile.durationSeconds : OPEN_DEFAULTS.durationSeconds) : seconds('duration', given.duration, false);
  const lowest = open?.rates[0];
  // A rate is measured by counting requests: a window that plans a handful cannot tell 3 per second from 4.
  if (lowest !== undefined && lowest * duration < MIN_PLANNED) {
    throw new OptionError(`--rate ${lowest} with a window of ${duration} s plans ${Math.floor(lowest * duration)} requests: too few to measure a rate (at least ${MIN_PLANNED}: raise the rate or --duration)`);
  }
  const sessions = given.sessions ?? 'shared';
  if (!isOneOf(SESSION_MODES, sessions)) throw new OptionError(`--sessions must be ${SESSION_MODES.join(' or ')}, got ${JSON.stringify(sessions)}`);
  // Its clients each keep a cookie from answer to answer: that is a closed loop.
  if (open !== null && workloads.includes('session')) throw new OptionError('--rate does not go with the session workload: each of its clients keeps a cookie from answer to answer (closed loop); use --connections');
  return {
    profile: profileName,
    models,
    workloads,
    connections: given.connections === undefined ? (open === null ? profile.connections : [1]) : positiveInts('connections', given.connections, MAX_CONNECTIONS),
    durationSeconds: duration,
    warmupSeconds: given.warmup === undefined ? (open === null ? profile.warmupSeconds : OPEN_DEFAULTS.warmupSeconds) : seconds('warmup', given.warmup, true),
    trials,
    maxTrials,
    budgetSeconds: given.budget === undefined ? profile.budgetSeconds : seconds('budget', given.budget, false),
    seed: given.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : wholeNumber('seed', given.seed, 0, 2 ** 31 - 1),
    threads: given.threads === undefined ? defaultThreads() : wholeNumber('threads', given.threads, 1, MAX_WORKERS),
    processes: given.processes === undefined ? defaultProcesses() : wholeNumber('processes', given.processes, 1, MAX_WORKERS),
    outDir: given.out ?? DEFAULT_RUNS_DIR,
    open,
    recalibrate: given.recalibrate === true,
    ...placement(given),
    live: liveOptions(given),
    tls: given.tls === true,
    newConnections: given.newConnections === true,
    sessions,
  };
}

const MAX_DELAY_MS = 10_000;

/**
 * Where the server runs, apart from the client. A remote server is a different program's to run: its model and
 * parameters come from its /health, so options that would choose them are errors, as is asking for both places.
 */
function placement(given: BenchOptions): { target: string | null; network: NetworkOptions | null } {
  if (given.netemDelay !== undefined && given.netns !== true) throw new OptionError('--netem-delay applies to --netns only: the delay is added on the lab\'s own link');
  if (given.netemRate !== undefined && given.netns !== true) throw new OptionError("--netem-rate applies to --netns only: the rate is set on the lab's own link");
  const network =
    given.netns === true
      ? { namespaces: true as const, delayMs: given.netemDelay === undefined ? 0 : delayMs(given.netemDelay), ...(given.netemRate === undefined ? {} : { rateMbit: rateMbit(given.netemRate) }) }
      : null;
  // The lab's certificate names 127.0.0.1, ::1 and localhost: a server on a namespace's address cannot prove it is.
  if (network !== null && given.tls === true) throw new OptionError("--tls does not go with --netns: the lab's certificate names 127.0.0.1 and localhost only, not a namespace's address");
  if (given.target === undefined) return { target: null, network };
  if (network !== null) throw new OptionError('--target and --netns do not go together: --target drives a server started elsewhere, --netns starts the servers in namespaces');
  for (const [flag, value] of [['models', given.models], ['threads', given.threads], ['processes', given.processes], ['sessions', given.sessions], ['tls', given.tls]] as const) {
    if (value !== undefined) throw new OptionError(`--${flag} does not go with --target: the target's model, parameters, sessions and protocol are the server's own (start it with npm run serve -- <model> …; the bench drives http:// targets)`);
  }
  return { target: targetOrigin(given.target), network };
}

const MAX_RATE_MBIT = 100_000;

function rateMbit(raw: string): number {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0.01 && value <= MAX_RATE_MBIT)) throw new OptionError(`--netem-rate must be a number of megabits per second from 0.01 to ${MAX_RATE_MBIT}, got ${JSON.stringify(raw)}`);
  return value;
}

function delayMs(raw: string): number {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= MAX_DELAY_MS)) throw new OptionError(`--netem-delay must be a number of milliseconds from 0 to ${MAX_DELAY_MS}, got ${JSON.stringify(raw)}`);
  return value;
}

/** The origin of an http:// URL with no path, query or credentials: what the bench will load. */
export function targetOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OptionError(`--target must be a URL like http://192.168.1.20:8080, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:') throw new OptionError(`--target must be an http:// URL (the load generator speaks plain HTTP), got ${url.protocol.replace(/:$/, '')}:`);
  if (url.username !== '' || url.password !== '') throw new OptionError('--target must not hold a user name or password');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') throw new OptionError(`--target names a server, not a page: give http://${url.host} without ${url.pathname}${url.search}${url.hash}`);
  return url.origin;
}

/** --live-port alone means --live too: asking for a port is asking for the view. */
function liveOptions(given: BenchOptions): { port: number } | null {
  if (given.livePort !== undefined) return { port: wholeNumber('live-port', given.livePort, 0, 65_535) };
  return given.live === true ? { port: 0 } : null;
}

function openOptions(given: BenchOptions): OpenOptions | null {
  if (given.rate === undefined) {
    if (given.arrivals !== undefined) throw new OptionError('--arrivals applies to an open loop only: give --rate too');
    if (given.maxInflight !== undefined) throw new OptionError('--max-inflight applies to an open loop only: give --rate too');
    return null;
  }
  // Closed-loop clients and an offered rate are two ways to load a server; a run measures one.
  if (given.connections !== undefined) throw new OptionError('--rate and --connections do not go together: --rate offers requests per second (open loop), --connections sets clients (closed loop)');
  const arrivals = given.arrivals ?? 'constant';
  if (!isOneOf(ARRIVALS, arrivals)) throw new OptionError(`--arrivals: unknown '${arrivals}' (known: ${ARRIVALS.join(', ')})`);
  return {
    rates: rates(given.rate),
    arrivals,
    maxInflight: given.maxInflight === undefined ? OPEN_DEFAULTS.maxInflight : wholeNumber('max-inflight', given.maxInflight, 1, MAX_INFLIGHT),
  };
}

export function parseBenchArgs(argv: readonly string[]): BenchCommand {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        models: { type: 'string' },
        workloads: { type: 'string' },
        connections: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        trials: { type: 'string' },
        'max-trials': { type: 'string' },
        budget: { type: 'string' },
        seed: { type: 'string' },
        threads: { type: 'string' },
        processes: { type: 'string' },
        rate: { type: 'string' },
        arrivals: { type: 'string' },
        'max-inflight': { type: 'string' },
        recalibrate: { type: 'boolean' },
        out: { type: 'string' },
        target: { type: 'string' },
        netns: { type: 'boolean' },
        'netem-delay': { type: 'string' },
        'netem-rate': { type: 'string' },
        live: { type: 'boolean' },
        'live-port': { type: 'string' },
        tls: { type: 'boolean' },
        'new-connections': { type: 'boolean' },
        sessions: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true) return { kind: 'help' };
    if (positionals.length > 0) return { kind: 'error', message: `unexpected argument '${positionals.join(' ')}' (options start with --)` };
    const { 'max-trials': maxTrials, 'max-inflight': maxInflight, 'netem-delay': netemDelay, 'netem-rate': netemRate, 'live-port': livePort, 'new-connections': newConnections, ...rest } = values;
    return {
      kind: 'run',
      options: resolveOptions({
        ...rest,
        ...(maxTrials === undefined ? {} : { maxTrials }),
        ...(maxInflight === undefined ? {} : { maxInflight }),
        ...(netemDelay === undefined ? {} : { netemDelay }),
        ...(netemRate === undefined ? {} : { netemRate }),
        ...(livePort === undefined ? {} : { livePort }),
        ...(newConnections === undefined ? {} : { newConnections }),
      }),
    };
  } catch (error: unknown) {
    return { kind: 'error', message: error instanceof OptionError ? error.message : argsErrorMessage(error) };
  }
}

export function benchHelp(): string {
  const profiles = PROFILE_NAMES.map((name) => {
    const p = PROFILES[name];
    return `  ${name.padEnd(8)} ${p.description}\n           workloads ${p.workloads.join(',')}; connections ${p.connections.join(',')}; trials of ${p.durationSeconds} s (+${p.warmupSeconds} s warm-up), ${p.trials} to ${p.maxTrials} per case; budget ${p.budgetSeconds} s`;
  });
  return [
    'Usage: npm run bench -- [options]',
    '',
    '  --profile <name>       smoke | quick | default | course | full (default: default)',
    `  --models a,b,…         ${MODEL_NAMES.join(', ')}`,
    `  --workloads a,b,…      ${WORKLOAD_NAMES.join(', ')}`,
    '  --connections 1,4,16   concurrent clients (closed loop), one case per value',
    '  --duration <seconds>   measured window of each trial',
    '  --warmup <seconds>     load before each window, not recorded (0 for none)',
    '  --trials <n>           trials per case at least, interleaved with the other models in rounds',
    '  --max-trials <n>       at most, while a 95% interval stays wider than ±10% and the budget allows',
    '  --budget <seconds>     time the run may take: extra trials are added only within it',
    '  --seed <n>             seed of the shuffled order of models in each round (default: random, recorded)',
    `  --threads <n>          worker-pool threads, thread-per-request's bound (default ${defaultThreads()}, the cores)`,
    `  --processes <n>        cluster processes, process-per-request's bound (default ${defaultProcesses()}, the cores)`,
    '  --rate 50,200,1000     open loop: requests per second offered whatever the server does, one case per rate;',
    `                         then --duration defaults to ${OPEN_DEFAULTS.durationSeconds} s, --warmup to ${OPEN_DEFAULTS.warmupSeconds} s, --trials to ${OPEN_DEFAULTS.trials} (up to ${OPEN_DEFAULTS.maxTrials})`,
    '  --arrivals <kind>      constant (even spacing, the default) | poisson (random gaps of the same mean)',
    `  --max-inflight <n>     open loop: most requests in flight, i.e. connections (default ${OPEN_DEFAULTS.maxInflight}); more wait, counted late`,
    '  --recalibrate          measure the CPU calibration afresh (by default a machine keeps its first one in <out>/calibration.json)',
    `  --out <dir>            where runs go (default reports/runs): <dir>/<run-id>/results.json`,
    '  --target <url>         drive a server started elsewhere (npm run serve -- <model> --host 0.0.0.0 on that host);',
    '                         its model and parameters come from its /health; any host, since you named it',
    '  --netns                Linux, root: each server in a network namespace of its own, over a veth link',
    '  --netem-delay <ms>     with --netns: one-way delay added on each end of that link (round trip + 2 × ms);',
    '                         by tc netem, or without netem in the kernel by a relay in the bench (client CPU)',
    '  --netem-rate <Mbit/s>  with --netns: the link carries at most this many megabits per second each way',
    '                         (tc netem, or the same relay where the kernel has no netem)',
    '  --live                 follow the run in a browser: prints live: http://127.0.0.1:<port>/ (a free port)',
    '  --live-port <n>        the live view on this port (implies --live)',
    '  --tls                  every server speaks HTTPS (the lab\'s self-signed certificate, in .lab-tls/)',
    '  --new-connections      every request on a new connection (a TCP, and with --tls a TLS, handshake each)',
    '  --sessions <mode>      where /visits counts in every server: shared (default) | local (each process or',
    '                         thread its own); see the session workload (--workloads session: not in any profile)',
    '  --help                 this text',
    '',
    'Explicit options override the profile. Profiles:',
    ...profiles,
    '',
    'The baseline model (a bare node:http server) runs the hello workload only.',
  ].join('\n');
}
