/**
 * What a run will do: the user's options, checked and filled in from the profile. Anything that makes no sense is
 * an error here (one line), before any server starts.
 */
import { DEFAULT_RUNS_DIR } from '../../lib/paths.js';
import { isOneOf } from '../../lib/guards.js';
import { CATALOGUE, MODEL_NAMES, defaultProcesses, defaultThreads, isModelName } from '../../servers/catalogue.js';
import { SESSION_MODES, type SessionMode } from '../../servers/model-types.js';
import { MAX_PROCESSES, MAX_THREADS } from '../../servers/serve-options.js';
import { ARRIVALS, type Arrivals } from '../load/schedule.js';
import type { NetworkOptions } from '../network/link-shape.js';
import { CHAT_DEFAULTS, OPEN_DEFAULTS, type FlagKey, type ValueKey } from './option-table.js';
import { list, OptionError, optionError, positiveInts, rates, seconds, wholeInts, wholeNumber } from './option-values.js';
import { fileLimitFor } from '../machine/file-limit.js';
import { placement } from './placement.js';
import { parseCpus, splitCores, coresOf, type CpusOption } from '../machine/placement.js';
import { availableParallelism } from 'node:os';
import { PROFILES, PROFILE_NAMES, isProfileName, type Profile, type ProfileName } from './profiles.js';
import { BASELINE_WORKLOADS, WORKLOAD_NAMES, isWorkloadName } from './workloads.js';
import { shareTarget, type ShareTarget } from '../network/share.js';
import { isLang, t, type Lang } from '../../lib/lang/lang.js';
import { langFromEnv } from '../../lib/lang/env-lang.js';
import { nameProblem } from '../../lib/student-name.js';
import { parseThreshold, ThresholdError, type Threshold } from '../../results/thresholds.js';
import { readFileSync, statSync } from 'node:fs';
import { faultLabel, parseFaults, type FaultSpec } from './faults.js';
import { brokerUrl } from '../../lib/broker-url.js';
import { MAX_AGENTS } from '../../results/schema.js';


/** What the user may give (bench/plan/option-table.ts lists them); every field optional (the profile fills the rest). */
export type BenchOptions = Partial<Record<ValueKey, string>> & Partial<Record<Exclude<FlagKey, 'help'>, boolean>>;

/** Open loop (--rate): the offered rates, how arrivals are spaced, and the client's connections. */
export interface OpenOptions {
  readonly rates: readonly number[];
  readonly arrivals: Arrivals;
  readonly maxInflight: number;
}

/** Options with every value checked and filled in: a profile's fields, with overrides applied. */
export interface ResolvedBenchOptions extends Profile {
  readonly profile: ProfileName;
  /** Whether --threads and --processes were given: a held case raises a per-connection model's bound only when not. */
  readonly boundsGiven: { readonly threads: boolean; readonly processes: boolean };
  /** ws-chat: the room's members, the publisher included. */
  readonly members: number;
  /** The file limit the servers and the load process need for --hold, and how it is raised (prlimit) where it must be. */
  readonly fileLimit: number | null;
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
  /** Where the servers and the load generator run (--cpus, bench/machine/placement.ts). */
  readonly cpus: CpusOption;
  /** --share: the class hub this run goes to, under which name and code (bench/network/share.ts). */
  readonly share: ShareTarget | null;
  /** --lang: the language of the summary and the report (LANG when not given). */
  readonly lang: Lang;
  /** --expect and --expect-file: thresholds judged at the end (results/thresholds.ts); --expect-strict: unsure fails too. */
  readonly thresholds: readonly Threshold[];
  readonly expectStrict: boolean;
  /** --summary-md and --junit: where the CI files go, or null. */
  readonly summaryMd: string | null;
  readonly junit: string | null;
  /** --fault: what is done to each server inside each trial's window (bench/plan/faults.ts). */
  readonly faults: readonly FaultSpec[];
  /** --agents: load processes each load is split among (1: the one load process). */
  readonly agents: number;
  /** --broker: the Redis the agents registered on (`npm run agent`); null: the agents are this machine's processes. */
  readonly broker: string | null;
}

const MAX_CONNECTIONS = 10_000;
/** Load agents on this machine: each is a Node.js process of its own (about 50 MiB). A broker's may be anywhere. */
const MAX_LOCAL_AGENTS = 16;
/** Thresholds a run judges, and the size of a file of them: a CI summary stays well under GitHub's 1 MiB. */
const MAX_THRESHOLDS = 200;
const MAX_EXPECT_FILE_BYTES = 256 * 1024;
/** Joins the values of a repeated option (--expect): a NUL cannot be part of a command-line argument. */
export const LIST_SEPARATOR = '\u0000';
/** Idle connections a run may hold: the C10k lesson and a margin; the file limit decides what a machine takes. */
const MAX_HOLD = 100_000;
const MAX_MEMBERS = 10_000;
const MAX_TRIALS = 100;
const MAX_INFLIGHT = 10_000;
/** Fewest requests an open-loop window may plan at its lowest rate. */
export const MIN_PLANNED = 20;

/** Explicit options override the profile's; anything that makes no sense is an error here, before any server starts. */
export function resolveOptions(given: BenchOptions): ResolvedBenchOptions {
  const profileName = given.profile ?? 'default';
  if (!isProfileName(profileName)) throw optionError('opt.err.profile', { name: profileName, known: PROFILE_NAMES.join(', ') });
  const profile = PROFILES[profileName];
  const openLoop = given.rate !== undefined;
  const trials = given.trials === undefined ? (openLoop ? OPEN_DEFAULTS.trials : profile.trials) : wholeNumber('trials', given.trials, 1, MAX_TRIALS);
  const maxTrials = given.maxTrials === undefined ? Math.max(trials, openLoop ? OPEN_DEFAULTS.maxTrials : profile.maxTrials) : wholeNumber('max-trials', given.maxTrials, 1, MAX_TRIALS);
  if (maxTrials < trials) throw optionError('opt.err.maxTrials', { max: String(maxTrials), trials: String(trials) });
  if (given.out?.trim() === '') throw optionError('opt.err.out');
  const models = given.models === undefined ? profile.models : list('models', given.models, MODEL_NAMES, isModelName);
  // A profile's workloads under --rate: the echo waits for each answer (a closed loop), so an open run leaves it out.
  const workloads = given.workloads === undefined ? profile.workloads.filter((w) => !(openLoop && w === 'ws-echo')) : list('workloads', given.workloads, WORKLOAD_NAMES, isWorkloadName);
  // A reference model runs only its own workloads: a plan can be empty, which is a mistake, not a run.
  if (!models.some((m) => !CATALOGUE[m].reference || workloads.some((w) => BASELINE_WORKLOADS.includes(w)))) {
    throw optionError(models.length === 1 ? 'opt.err.nothing.one' : 'opt.err.nothing.many', { models: models.join(', '), workloads: BASELINE_WORKLOADS.join(', ') });
  }
  const open = openOptions(given);
  const duration = given.duration === undefined ? (open === null ? profile.durationSeconds : OPEN_DEFAULTS.durationSeconds) : seconds('duration', given.duration, false);
  const lowest = open?.rates[0];
  // A rate is measured by counting requests: a window that plans a handful cannot tell 3 per second from 4.
  if (lowest !== undefined && lowest * duration < MIN_PLANNED) {
    throw optionError('opt.err.fewPlanned', { rate: String(lowest), duration: String(duration), planned: String(Math.floor(lowest * duration)), min: String(MIN_PLANNED) });
  }
  const sessions = given.sessions ?? 'shared';
  if (!isOneOf(SESSION_MODES, sessions)) throw optionError('opt.err.sessions', { got: JSON.stringify(sessions) });
  // Its clients each keep a cookie from answer to answer: that is a closed loop.
  if (open !== null && workloads.includes('session')) throw optionError('opt.err.rateSession');
  // The chat publishes at a rate, whatever the server does: an open loop; the echo waits for each answer: a closed one.
  if (open === null && workloads.includes('ws-chat')) throw optionError('opt.err.chatRate');
  if (open !== null && workloads.includes('ws-echo')) throw optionError('opt.err.rateEcho');
  if (given.members !== undefined && !workloads.includes('ws-chat')) throw optionError('opt.err.members');
  const members = given.members === undefined ? CHAT_DEFAULTS.members : wholeNumber('members', given.members, 2, MAX_MEMBERS);
  const hold = given.hold === undefined ? profile.hold : wholeInts('hold', given.hold, MAX_HOLD);
  const connections = given.connections === undefined ? (open === null ? profile.connections : [1]) : positiveInts('connections', given.connections, MAX_CONNECTIONS);
  // Held connections take a file each, in a server process and in the load process: say before any server starts
  // whether this system allows them.
  const mostConnections = Math.max(...hold) + Math.max(...connections, open === null ? 0 : workloads.includes('ws-chat') ? members : 0);
  const files = fileLimitFor(mostConnections);
  if ('problem' in files) throw new OptionError(`${Math.max(...hold) > 0 ? '--hold' : '--connections'}: ${files.problem}`);
  const fileLimit = files.raise;
  const faults = parseFaults(given.fault, LIST_SEPARATOR, duration);
  const remoteFault = given.target === undefined ? undefined : faults.find((f) => f.kind !== 'slowloris');
  if (remoteFault !== undefined) throw optionError('opt.err.faultRemote', { fault: faultLabel(remoteFault) });
  const thresholds = thresholdOptions(given, { workloads: workloadKeys(workloads, hold, profile), models, connections: [...connections, ...profileLevels(profile)] });
  return {
    profile: profileName,
    models,
    workloads,
    connections,
    hold,
    // A profile's own cells stand as long as the user did not ask for another matrix.
    ...(given.models === undefined && given.workloads === undefined && given.connections === undefined && given.hold === undefined && given.rate === undefined
      ? { ...('cells' in profile ? { cells: profile.cells } : {}), ...('extraCells' in profile ? { extraCells: profile.extraCells } : {}) }
      : {}),
    members,
    fileLimit,
    boundsGiven: { threads: given.threads !== undefined, processes: given.processes !== undefined },
    durationSeconds: duration,
    warmupSeconds: given.warmup === undefined ? (open === null ? profile.warmupSeconds : OPEN_DEFAULTS.warmupSeconds) : seconds('warmup', given.warmup, true),
    trials,
    maxTrials,
    budgetSeconds: given.budget === undefined ? profile.budgetSeconds : seconds('budget', given.budget, false),
    seed: given.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : wholeNumber('seed', given.seed, 0, 2 ** 31 - 1),
    threads: given.threads === undefined ? serverCores(given) ?? defaultThreads() : wholeNumber('threads', given.threads, 1, MAX_THREADS),
    processes: given.processes === undefined ? serverCores(given) ?? defaultProcesses() : wholeNumber('processes', given.processes, 1, MAX_PROCESSES),
    outDir: given.out ?? DEFAULT_RUNS_DIR,
    open,
    recalibrate: given.recalibrate === true,
    ...placement(given),
    live: liveOptions(given),
    tls: given.tls === true,
    newConnections: given.newConnections === true,
    sessions,
    cpus: cpusOption(given.cpus),
    share: shareOption(given),
    lang: langOption(given.lang),
    thresholds,
    expectStrict: given.expectStrict === true,
    summaryMd: given.summaryMd ?? null,
    junit: given.junit ?? null,
    faults,
    ...agentOptions(given, Math.max(...hold) > 0, workloads.includes('ws-chat')),
  };
}

/** --agents and --broker: how many agents, and where they registered (a broker's are on any machine that reaches it). */
function agentOptions(given: BenchOptions, holds: boolean, chat: boolean): { agents: number; broker: string | null } {
  const split = given.broker !== undefined || (given.agents !== undefined && given.agents !== '1');
  // A chat room is one room: agents that each opened its members would make several rooms' worth of members.
  if (split && chat) throw optionError('opt.err.agentsChat');
  if (given.broker === undefined) return { agents: given.agents === undefined ? 1 : wholeNumber('agents', given.agents, 1, MAX_LOCAL_AGENTS), broker: null };
  let broker: string;
  try {
    broker = brokerUrl(given.broker);
  } catch (error: unknown) {
    throw new OptionError(`--broker: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Idle connections are held by this machine's load process; a broker's agents run loads, not holds.
  if (holds) throw optionError('opt.err.brokerHold');
  return { agents: given.agents === undefined ? 1 : wholeNumber('agents', given.agents, 1, MAX_AGENTS), broker };
}

/** The workload keys a run can measure: each workload, and each with idle connections held (`ws-echo+hold500`). */
function workloadKeys(workloads: readonly string[], hold: readonly number[], profile: Profile): string[] {
  const held = [...hold, ...('cells' in profile && profile.cells !== undefined ? profile.cells.flatMap((c) => (c.hold === undefined ? [] : [c.hold])) : [])].filter((h) => h > 0);
  return [...workloads, ...workloads.flatMap((w) => held.map((h) => `${w}+hold${h}`))];
}

/** The numbers of clients a profile's own cells measure beyond its levels. */
function profileLevels(profile: Profile): number[] {
  return 'cells' in profile && profile.cells !== undefined ? profile.cells.map((c) => c.connections) : [];
}

/** --expect (one per line) and --expect-file: every expression checked now, before any server starts. */
function thresholdOptions(given: BenchOptions, known: Parameters<typeof parseThreshold>[1]): Threshold[] {
  const expressions = given.expect === undefined ? [] : given.expect.split(LIST_SEPARATOR);
  if (given.expectFile !== undefined) {
    const path = given.expectFile;
    let listed: unknown;
    try {
      if (statSync(path).size > MAX_EXPECT_FILE_BYTES) throw new Error(t('opt.err.expectFileSize', { max: MAX_EXPECT_FILE_BYTES / 1024 }));
      listed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error: unknown) {
      throw optionError('opt.err.expectFile', { path, why: (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 200) });
    }
    if (!Array.isArray(listed) || !listed.every((x): x is string => typeof x === 'string')) throw optionError('opt.err.expectFile', { path, why: t('opt.err.expectFileShape') });
    if (listed.length === 0) throw optionError('opt.err.expectFile', { path, why: t('opt.err.expectFileEmpty') });
    if (listed.length > MAX_THRESHOLDS) throw optionError('opt.err.tooManyThresholds', { max: MAX_THRESHOLDS });
    for (const e of listed) expressions.push(e);
  }
  if (expressions.length > MAX_THRESHOLDS) throw optionError('opt.err.tooManyThresholds', { max: MAX_THRESHOLDS });
  if (given.expectStrict === true && expressions.length === 0) throw optionError('opt.err.strictAlone');
  try {
    return expressions.map((e) => parseThreshold(e, known));
  } catch (error: unknown) {
    if (error instanceof ThresholdError) throw optionError('opt.err.expect', { why: error.message });
    throw error;
  }
}

function shareOption(given: BenchOptions): ShareTarget | null {
  if (given.share === undefined) {
    if (given.name !== undefined || given.code !== undefined || given.token !== undefined) throw optionError('opt.err.needsShare', { flag: given.name !== undefined ? 'name' : given.code !== undefined ? 'code' : 'token' });
    return null;
  }
  const name = (given.name ?? '').trim();
  if (name === '') throw optionError('opt.err.needsName');
  const problem = nameProblem(name);
  if (problem !== null) throw optionError('opt.err.name', { problem });
  try {
    return shareTarget(given.share, name, given.code, given.token);
  } catch (error: unknown) {
    throw new OptionError(error instanceof Error ? error.message : String(error));
  }
}

function langOption(raw: string | undefined): Lang {
  const lang = raw ?? langFromEnv();
  if (!isLang(lang)) throw new OptionError(t('cli.badLang', { got: JSON.stringify(lang.slice(0, 20)) }));
  return lang;
}

/** The servers' cores when --cpus gives the client cores of its own: what a pool or a cluster should use. */
function serverCores(given: BenchOptions): number | null {
  const option = cpusOption(given.cpus);
  const cores = availableParallelism();
  if (option.mode === 'spec') return coresOf(option.server).length;
  if (option.mode === 'auto' && cores >= 4) return coresOf(splitCores(cores).server ?? '').length;
  return null;
}

function cpusOption(raw: string | undefined): CpusOption {
  try {
    return raw === undefined ? { mode: 'auto' } : parseCpus(raw, availableParallelism());
  } catch (error: unknown) {
    throw new OptionError(error instanceof Error ? error.message : String(error));
  }
}

/** --live-port alone means --live too: asking for a port is asking for the view. */
function liveOptions(given: BenchOptions): { port: number } | null {
  if (given.livePort !== undefined) return { port: wholeNumber('live-port', given.livePort, 0, 65_535) };
  return given.live === true ? { port: 0 } : null;
}

function openOptions(given: BenchOptions): OpenOptions | null {
  if (given.rate === undefined) {
    if (given.arrivals !== undefined) throw optionError('opt.err.arrivalsOnly');
    if (given.maxInflight !== undefined) throw optionError('opt.err.inflightOnly');
    return null;
  }
  // Closed-loop clients and an offered rate are two ways to load a server; a run measures one.
  if (given.connections !== undefined) throw optionError('opt.err.rateConnections');
  const arrivals = given.arrivals ?? 'constant';
  if (!isOneOf(ARRIVALS, arrivals)) throw optionError('opt.err.unknown', { flag: 'arrivals', item: arrivals, known: ARRIVALS.join(', ') });
  return {
    rates: rates(given.rate),
    arrivals,
    maxInflight: given.maxInflight === undefined ? OPEN_DEFAULTS.maxInflight : wholeNumber('max-inflight', given.maxInflight, 1, MAX_INFLIGHT),
  };
}

