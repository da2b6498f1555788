/**
 * The results file: its schema is the contract between the bench and the reports. Whoever reads a file
 * validates it here first, and refuses it with a message naming the first wrong field.
 *
 * Version 2: a case (model × workload × clients) is measured as several trials, interleaved with the other
 * models' trials of the same cell; the case holds every trial, the median and its 95 % interval.
 */
import { z } from 'zod';
import { printable } from '../lib/printable.js';
import { isRunId, RUN_ID_EXAMPLE, type RunId } from './run-id.js';

export const SCHEMA_VERSION = 2;

const nonNegative = z.number().nonnegative();
/**
 * Every string and list of the file has a bound that a real run never reaches (a full profile has a few hundred
 * cases, ten trials each) and a hostile file cannot pass: a reader (the class hub) can then take any file that
 * validates without one upload costing it more than a bounded amount of memory and time.
 */
export const BOUNDS = { cases: 5000, trials: 200, warnings: 100, runWarnings: 500, probes: 2000, cores: 1024, distribution: 100, names: 100, marks: 20, levels: 200, sentences: 5000 } as const;
const text = (max: number): z.ZodString => z.string().max(max);
/** A sentence for people: a warning, an error, a reason. */
const sentence = text(2000);
/** A name of the lab's: a model, a workload, a profile. */
const label = text(100);
const count = z.number().int().nonnegative();
/** Memory of a machine: a number of bytes beyond what a double holds exactly is a lie or a bug, not a measure. */
const bytes = nonNegative.max(Number.MAX_SAFE_INTEGER);
/** Processes of one server: far above what any model starts (a few hundred at most). */
const processCount = count.max(100_000);
/** A process id: positive, and within what any system gives (Linux's pid_max is at most 2^22). */
export const PidSchema = z.number().int().positive().max(2 ** 31 - 1);
/** A model's parameters (threads, processes): short lower-case names, whole numbers within serve's bounds. */
export const ModelParamsSchema = z.record(z.string().regex(/^[a-z][a-z-]{0,31}$/, 'must be a short lower-case name'), z.number().int().positive().max(4096));

export const LatencySchema = z.object({
  min: nonNegative,
  mean: nonNegative,
  p50: nonNegative,
  p90: nonNegative,
  p99: nonNegative,
  p999: nonNegative,
  max: nonNegative,
});

/** One point of the HDR percentile distribution: percentile (0–100) and latency in microseconds. */
export const DistributionPointSchema = z.object({ percentile: z.number().min(0).max(100), us: nonNegative });

/** A 95 % interval; null where it cannot be had (fewer than two trials). */
export const IntervalSchema = z.object({ low: nonNegative, high: nonNegative }).nullable();

const AtBestSpeedSchema = z.object({ rps: nonNegative, low: nonNegative, high: nonNegative, speed: z.number().positive(), exponent: z.number().min(0).max(1) });
export type AtBestSpeed = z.infer<typeof AtBestSpeedSchema>;
const CaseHistorySchema = z.object({ runs: z.number().int().min(2), basis: z.enum(['best-speed', 'raw']), centre: nonNegative, spread: nonNegative, since: z.string().max(40) });
export type CaseHistory = z.infer<typeof CaseHistorySchema>;

/**
 * Why a reader should be careful with a case or a run. Data, not prose to search: a page or a summary
 * picks cases by code; the message is for people.
 */
export const WARNING_CODES = [
  'client-saturated', // the load generator used a whole core: the numbers measure the client too
  'oversubscribed', // more server threads or processes plus the client than cores
  'errors', // connection errors or timeouts
  'non-2xx', // answers that were not 2xx
  'no-response', // nothing completed in a trial's window
  'littles-law', // mean latency below 0.85 × N / X: some waiting was not seen; latency is a lower bound
  'censored', // requests of the window still unanswered when the drain gave up: latency is a lower bound
  'marked-trials', // trials taken while the machine was busy or slower; retried
  'wide-interval', // the throughput's 95 % interval is wider than ±10 % (the ±% shown beside the figure)
  'failed-trials', // some trials failed; the case stands on the others
  'server-stop', // a server process survived its stop
  'machine', // run level: few cores, a client on the same machine
  'machine-drift', // run level: the machine's speed or parallel capacity changed during the run
  'upgraded', // read from a version-1 file: one trial per repeat, no interval where there was one repeat
  'late-sends', // open loop: planned sends found every connection busy and went out late (--max-inflight)
  'dropped-sends', // open loop: planned sends never went out before the bench stopped waiting
  'client-lag', // open loop: the client's own schedule trailed its plan (a busy client, not the server)
  'slow-ramp', // closed loop: some clients had no answer yet when the window opened (the ramp gave up)
  'placement', // --cpus: a process could not be pinned where the cell runs it
  'cold-server', // a server's warm-up reached its bound before its throughput settled
  'held-refused', // --hold: some idle connections could not be opened (refused, or left waiting in the model's line)
  'lost-deliveries', // ws-chat: members did not receive every message once (lost or duplicated deliveries)
  'agents', // run level (--broker): an agent lost during the run, or one that started its loads late
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

export const WarningSchema = z.object({ code: z.enum(WARNING_CODES), message: sentence.min(1) });

/** What a trial and a case both report of the answers and the processes: a case holds its trials' sums, medians, maxima. */
const usage = {
  errors: count,
  timeouts: count,
  non2xx: count,
  serverCpuPercent: nonNegative,
  serverRssPeakBytes: bytes,
  serverProcesses: processCount,
  clientCpuPercent: nonNegative,
  /** Distinct pid/thread pairs that answered, from the X-Served-By-* headers. */
  servedBy: count,
};

/**
 * What an open-loop trial and case add (bench/open-load.ts): `latencyUs` counts from each request's intended
 * send time (coordinated omission corrected); this from the moment it was actually sent.
 */
const openFields = {
  uncorrectedLatencyUs: LatencySchema.optional(),
  /** Requests whose planned time came while every connection was busy: they were sent late, on the next free one. */
  late: count.optional(),
  /** Requests planned in the window and never sent before the bench stopped waiting. */
  dropped: count.optional(),
  /** How far sends that found a free connection trailed their planned times (µs): the client's own pace. */
  lateness: LatencySchema.optional(),
  /** Requests in flight over the window, time-weighted: Little's L, for the check L = X × R. */
  meanInflight: nonNegative.optional(),
  /** Requests planned in the window (sent or not): what the client offered, against what was answered. */
  planned: count.optional(),
};

/**
 * The session workload (bench/workloads.ts): every client keeps its own cookie, and an answer whose visit count
 * is not that client's previous count + 1 is a lost update (its visits landed in a store that did not know it).
 */
const sessionFields = {
  lostUpdates: count.optional(),
};

/**
 * The chat (ws-chat): the room's members, the messages planned in the window, their deliveries that arrived, and those
 * lost (never arrived before the drain ended) or duplicated (arrived twice). A correct server loses and duplicates none.
 */
export const ChatSchema = z.object({ members: count, messages: count, deliveries: count, lost: count, duplicated: count });

/**
 * --hold: idle WebSocket connections held open through a trial. `asked`, how many of them opened, were refused (an
 * HTTP answer instead of 101) or failed; the server's memory (its whole process tree) just before and after they opened.
 */
export const TrialHeldSchema = z.object({ asked: count, opened: count, refused: count, failed: count, openSeconds: nonNegative, rssBeforeBytes: bytes, rssAfterBytes: bytes });

/**
 * A held case: the idle connections asked for, the fewest that opened in a used trial, the refusals of every used
 * trial, and the memory each held connection cost: the median over the used trials of (memory once they were open −
 * memory just before, once the previous trial's had gone) ÷ connections opened; null when none opened. `rssBaseBytes`:
 * the lowest memory before any opened; `rssHeldBytes`: the median memory with them open.
 */
export const CaseHeldSchema = z.object({ connections: count, opened: count, refused: count, rssPerConnectionBytes: nonNegative.nullable(), rssBaseBytes: bytes, rssHeldBytes: bytes });

/** A trial's slices at most (bench/load/timeline.ts MAX_SLICES): 10 min at 100 ms. */
const MAX_SLICES = 6000;
const column = <T extends z.ZodType>(item: T): z.ZodArray<T> => z.array(item).max(MAX_SLICES);
const PHASES = ['warmup', 'window', 'drain'] as const;
/**
 * A trial as a timeline: per slice of its load (warm-up, window and drain), the answers and errors completed in it,
 * their p50 / p99 / max latency, the requests in flight at its end, and the server's CPU and memory. Stored as
 * columns, one list per field, all of one length (slice i starts at i × sliceMs); the phases as runs of slices
 * (`[["warmup", 5], ["window", 10], ["drain", 1]]`). results/timeline.ts gives the slices back.
 */
export const TimelineSchema = z
  .object({
    sliceMs: z.number().int().positive().max(600_000),
    windowStartSeconds: nonNegative.nullable(),
    windowEndSeconds: nonNegative.nullable(),
    truncated: z.boolean().optional(),
    /** The load ended inside its last slice, after this many ms (absent: a whole slice). */
    lastSliceMs: z.number().int().positive().max(600_000).optional(),
    phases: column(z.tuple([z.enum(PHASES), z.number().int().positive().max(MAX_SLICES)])),
    answers: column(count),
    errors: column(count),
    p50Us: column(nonNegative),
    p99Us: column(nonNegative),
    maxUs: column(nonNegative),
    inFlight: column(count),
    serverCpuPercent: column(nonNegative.nullable()),
    serverRssBytes: column(bytes.nullable()),
  })
  .refine((tl) => [tl.errors, tl.p50Us, tl.p99Us, tl.maxUs, tl.inFlight, tl.serverCpuPercent, tl.serverRssBytes].every((c) => c.length === tl.answers.length), { error: 'every column of a timeline has one value per slice' })
  .refine((tl) => tl.phases.reduce((a, [, n]) => a + n, 0) === tl.answers.length, { error: "a timeline's phases cover its slices exactly" })
  .refine((tl) => tl.windowStartSeconds === null || tl.windowEndSeconds === null || tl.windowEndSeconds >= tl.windowStartSeconds, { error: "a timeline's window ends after it starts" })
  .refine((tl) => tl.lastSliceMs === undefined || tl.lastSliceMs <= tl.sliceMs, { error: "a timeline's last slice is no longer than a slice" });

const FaultKindSchema = z.enum(['kill', 'stall', 'slowloris', 'cpu-hog']);
/** Faults one run may do (bench/plan/faults.ts MAX_FAULTS). */
const MAX_FAULTS = 10;
/**
 * A fault done inside a trial's window (--fault): as asked (kind, seconds from the window's start, argument), when it
 * was done on the timeline's clock (null: never, the trial ended first), to what, and what it did (results/stats/fault-effect.ts).
 */
export const TrialFaultSchema = z.object({
  kind: FaultKindSchema,
  atSeconds: nonNegative,
  arg: nonNegative,
  appliedAtSeconds: nonNegative.nullable(),
  target: text(200),
  error: sentence.nullable(),
  lost: count,
  recoverySeconds: nonNegative.nullable(),
  worstUs: nonNegative,
  baselineRps: nonNegative.nullable(),
  /** No recovery, and too little of the window after the fault (or no throughput before it) to say there was none. */
  unseen: z.boolean().optional(),
  /** Of the lost, the requests that waited until the client gave up (its timeout): the trial's, told by its last fault. */
  timeouts: count.optional(),
  /** The server's main process had ended by the trial's end: nothing restarts it. */
  serverGone: z.boolean(),
});
/** A faulted case's fault over its trials: the median trial's loss and recovery (null: the median trial did not recover). */
export const CaseFaultSchema = z
  .object({
    kind: FaultKindSchema,
    atSeconds: nonNegative,
    arg: nonNegative,
    lost: count,
    recoverySeconds: nonNegative.nullable(),
    /** Trials that had the fault, those of them that recovered, and those whose recovery could not be seen. */
    trials: count,
    recovered: count,
    unseen: count.optional(),
    /** Of the lost, those that waited until the client gave up (the middle trial's). */
    timeouts: count.optional(),
    worstUs: nonNegative,
    serverGone: z.boolean(),
    /** Why no trial had it: it could not be done. */
    error: sentence.optional(),
  })
  .refine((f) => f.recovered + (f.unseen ?? 0) <= f.trials, { error: 'more trials recovered than had the fault' });

/** Load agents a run may split its load among (--agents). */
export const MAX_AGENTS = 64;
const AgentSchema = z.object({ name: label.min(1), host: text(255), pid: PidSchema.optional(), weight: z.number().positive().max(4096), clockOffsetMs: z.number().min(-86_400_000).max(86_400_000), node: text(40).optional() });
/** One agent's part of a trial (--agents): its share (clients, or requests per second offered), its answers, its CPU. */
export const TrialAgentSchema = z.object({ name: label.min(1), share: nonNegative, responses: count, clientCpuPercent: nonNegative, lagMs: nonNegative.max(600_000).optional(), startLateMs: nonNegative.max(600_000).optional() });

/** One trial: one load window on a running server, with the machine's state while it ran. */
const TrialBase = z.object({
  /** Round of the cell (1, 2, …): in a round, every model of the cell runs one trial, in a shuffled order. */
  round: z.number().int().positive(),
  /** Position in the round (0 = first). */
  order: count,
  startedAt: z.iso.datetime(),
  /** Why the trial is not trusted (the machine was busy or slower); empty when clean. */
  marked: z.array(text(500)).max(BOUNDS.marks),
  /** Set on a trial that re-measures a marked one: that trial's index in `trials`. */
  retryOf: count.optional(),
});

export const OkTrialSchema = TrialBase.extend({
  status: z.literal('ok'),
  durationSeconds: nonNegative,
  /** Responses completed during the window: throughput = requests / durationSeconds. */
  requests: count,
  rps: nonNegative,
  /** Requests sent during the window, each timed to its answer, drained after the window if need be. */
  latencyUs: LatencySchema,
  sample: count,
  /** Requests sent during the window and still unanswered when the drain gave up. */
  censored: count,
  /**
   * Closed loop: seconds from the start of the load until every client had its first answer (the window opens
   * only then, after the warm-up). Older files do not say.
   */
  rampSeconds: nonNegative.optional(),
  /** Closed loop: clients still without an answer when the window opened anyway (the ramp gave up). */
  unansweredAtWindow: count.optional(),
  ...usage,
  /** Whole-machine CPU used by processes other than the lab's, in % of one core. */
  backgroundCpuPercent: nonNegative,
  /**
   * How fast each core computed during the window, as a share of its best in the run (its gauge, sampled every
   * 250 ms, rate per CPU-millisecond); null for a core without a sample. Below 0.8, the trial is marked.
   */
  coreSpeeds: z.array(nonNegative.nullable()).max(BOUNDS.cores).optional(),
  ...openFields,
  ...sessionFields,
  held: TrialHeldSchema.optional(),
  chat: ChatSchema.optional(),
  /** Older files have none. */
  timeline: TimelineSchema.optional(),
  faults: z.array(TrialFaultSchema).max(MAX_FAULTS).optional(),
  /** --agents: each agent's part (the trial's clientCpuPercent is then its busiest agent's). */
  agents: z.array(TrialAgentSchema).max(MAX_AGENTS).optional(),
});

export const FailedTrialSchema = TrialBase.extend({ status: z.literal('failed'), error: sentence.min(1) });

export const TrialSchema = z.discriminatedUnion('status', [OkTrialSchema, FailedTrialSchema]);

/** Little's law for a closed loop: N = X × R, so the mean latency should be about clients / throughput. */
export const LittlesLawSchema = z.object({
  expectedMeanUs: nonNegative,
  ratio: nonNegative,
  /** The measured latency misses some waiting (ratio below 0.85, or censored requests): it is a lower bound. */
  lowerBound: z.boolean(),
});

/**
 * 'closed': a fixed number of clients, each sending its next request when its answer arrives.
 * 'open': requests arrive at a planned rate whatever the server does; `connections` is then the most the
 * client may have in flight (--max-inflight).
 */
export const MODES = ['closed', 'open'] as const;
export type Mode = (typeof MODES)[number];

const CaseBase = z.object({
  model: label.min(1),
  modelParams: ModelParamsSchema,
  workload: label.min(1),
  connections: z.number().int().positive(),
  mode: z.enum(MODES),
  /** Open loop: the offered rate, requests per second. */
  targetRate: z.number().positive().optional(),
  /** The cores the server and the load generator were pinned to for this case (--cpus); null: every core. */
  placement: z.object({ server: z.string().max(200).nullable(), client: z.string().max(200).nullable() }).optional(),
  /**
   * The warm-up of each server the case's trials ran on: how long it took, and whether its throughput settled within
   * the bound (the bench warms a fresh server until it does, so that no trial measures its cold start).
   */
  warmup: z.array(z.object({ seconds: nonNegative, settled: z.boolean() })).max(BOUNDS.marks).optional(),
  trials: z.array(TrialSchema).max(BOUNDS.trials),
  warnings: z.array(WarningSchema).max(BOUNDS.warnings),
});

export const OkCaseSchema = CaseBase.extend({
  status: z.literal('ok'),
  /**
   * Throughput of the trials used (clean ones; all ok ones if fewer than two are clean): their geometric mean in
   * files with `statistics` (the median in older ones), and the 95 % interval of that same estimate.
   */
  rps: nonNegative,
  rpsInterval: IntervalSchema,
  /**
   * Written by the bench of 2026-12-05 to 2026-12-07 only, whose `rpsInterval` was widened by it: the factors by which
   * the machine's speed could move this throughput between the slowest and the fastest state the run met. That range is
   * not a standard error, so the widened interval had no defined coverage; the bench no longer widens nor writes it.
   */
  machineRange: z.object({ low: z.number().positive().max(1), high: z.number().min(1) }).optional(),
  /**
   * Closed loop: the throughput and its interval scaled to the machine's best speed (results/stats/machine-range.ts
   * `atBestSpeed`): × (1 / speed)^exponent, `speed` the used trials' mean gauge (a share of the best this machine's
   * gauges have seen), `exponent` the case's busiest side's share of a core. Pages compare runs with it where their
   * speeds differ; absent without gauges and in older files.
   */
  atBestSpeed: AtBestSpeedSchema.optional(),
  /**
   * This machine's spread between runs (results/stats/run-history.ts): over the earlier complete runs of the same plan
   * on the same machine in the results folder (at least two), their figure's geometric mean (`centre`, at best speed
   * where every run has it, else raw), the largest distance of one of them from it (`spread`, a share), and when the
   * first of them started.
   */
  history: CaseHistorySchema.optional(),
  /** --fault: each fault over the case's trials (results/stats/case-faults.ts); absent without faults. */
  faults: z.array(CaseFaultSchema).max(MAX_FAULTS).optional(),
  /** From every used trial's sample together. */
  latencyUs: LatencySchema,
  p50Interval: IntervalSchema,
  p99Interval: IntervalSchema,
  /**
   * The answers behind the latency figures (every used trial's together): a percentile needs a sample that can hold
   * it (p99: 1,000; p99.9: 10,000). With it, the percentiles' intervals are the pooled sample's order-statistic
   * intervals (options `statistics`); older files do not say.
   */
  latencySample: count.optional(),
  p999Interval: IntervalSchema.optional(),
  distribution: z.array(DistributionPointSchema).max(BOUNDS.distribution),
  requests: count,
  ...usage,
  littlesLaw: LittlesLawSchema,
  ...openFields,
  ...sessionFields,
  /** Open loop: the distribution from the actual sends, beside `distribution` (from the intended ones). */
  uncorrectedDistribution: z.array(DistributionPointSchema).max(BOUNDS.distribution).optional(),
  /** What queueing theory predicts from the run's measured demands (results/theory/predict.ts); absent where it cannot. */
  // inSample: a closed-loop case theory's demands were measured or fitted on (results/theory/predict.ts fitLevels);
  // older files do not say (their rule: up to 8 clients).
  predicted: z.object({ rps: nonNegative, meanLatencyUs: nonNegative, inSample: z.boolean().optional() }).optional(),
  held: CaseHeldSchema.optional(),
  /** ws-chat: the used trials' deliveries together (throughput, rps, is then deliveries per second). */
  chat: ChatSchema.optional(),
});

export const FailedCaseSchema = CaseBase.extend({
  status: z.literal('failed'),
  error: sentence.min(1),
});

/** An open case names its rate, and an ok one carries both latencies and its late and dropped sends. */
export const CaseSchema = z.discriminatedUnion('status', [OkCaseSchema, FailedCaseSchema]).superRefine((c, ctx) => {
  if (c.mode !== 'open') return;
  const missing = [c.targetRate === undefined ? 'targetRate' : '', ...(c.status === 'ok' ? (['uncorrectedLatencyUs', 'late', 'dropped'] as const).filter((k) => c[k] === undefined) : [])].filter((k) => k !== '');
  for (const key of missing) ctx.addIssue({ code: 'custom', path: [key], message: 'required on an open-loop case' });
});

/** A measure of the machine: how fast one thread computes, and how much of that every core gets at once. */
export const ProbeSchema = z.object({
  at: z.iso.datetime(),
  /** When it was taken: 'start', or the cell it came before ("io × 16"). */
  before: text(200),
  /** PBKDF2 iterations per ms on one thread alone. */
  singleRate: z.number().positive(),
  /** Per thread, with every core busy at once. */
  parallelRates: z.array(nonNegative).max(BOUNDS.cores),
  /** Sum of the parallel rates over the single rate: the cores' worth of computing the machine gave (ideal: cores). */
  capacity: nonNegative,
  /** Whole-machine CPU of other processes while probing, % of one core. */
  backgroundCpuPercent: nonNegative,
  /**
   * What this probe found against the best one before it (bench/probe.ts): empty when the machine was as good.
   * `confirmed` is false for a probe whose drop the next probe, taken at once, did not find again.
   */
  drift: z.array(text(500)).max(BOUNDS.marks).optional(),
  confirmed: z.boolean().optional(),
});

/** --target: the server measured and the idle round trip to it (bench/remote.ts checks a target's word against this). */
export const RemoteSchema = z.object({
  url: z.string().max(2048),
  /** The server's pid on its own host. */
  pid: PidSchema,
  rttMedianMs: nonNegative,
  rttMinMs: nonNegative,
  rttSamples: count,
});

/**
 * One sample of a target's GET /lab/usage (servers/lab-usage.ts), held to the bounds of the fields it feeds
 * (serverRssPeakBytes, serverProcesses): a target that reports 1e300 bytes or -5 processes is refused before any
 * load, and a lying sample later is left out.
 */
export const TargetUsageSchema = z.object({
  atMs: nonNegative,
  cpuMs: nonNegative,
  rssBytes: bytes,
  processes: processCount.min(1),
});

const ResultsObject = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  // The id becomes a folder and file name: only the run-id shape, so that a file cannot choose where pages go.
  runId: z.custom<RunId>(isRunId, `must be a run id like ${RUN_ID_EXAMPLE}`),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  complete: z.boolean(),
  /** Set when the file was read from an older version (results/upgrade.ts). */
  upgradedFrom: z.number().int().positive().optional(),
  machine: z.object({
    cpuModel: text(200),
    cpus: z.number().int().positive(),
    memoryBytes: nonNegative,
    os: text(200),
    node: text(50),
    hostname: text(255).optional(),
  }),
  git: z.object({ commit: text(64).nullable(), dirty: z.boolean().nullable() }),
  options: z.object({
    profile: label,
    models: z.array(label).max(BOUNDS.names),
    workloads: z.array(label).max(BOUNDS.names),
    connections: z.array(z.number().int().positive()).max(BOUNDS.levels),
    /** Measured window of each trial. */
    durationSeconds: z.number().positive(),
    warmupSeconds: nonNegative,
    /** Trials per case at least, and at most when intervals stay wide. */
    trials: z.number().int().positive(),
    maxTrials: z.number().int().positive(),
    /** Time the run may take; extra trials are added only within it. */
    budgetSeconds: z.number().positive(),
    threads: z.number().int().positive(),
    processes: z.number().int().positive(),
    /** Seed of the shuffled order of models in each round. */
    seed: count,
    /** Open loop (--rate): the offered rates, the arrival process, and the most requests the client keeps in flight. */
    rates: z.array(z.number().positive()).max(BOUNDS.levels).optional(),
    arrivals: z.enum(['constant', 'poisson']).optional(),
    maxInflight: z.number().int().positive().optional(),
    /** --target: the origin of a server started elsewhere (the bench started none). */
    target: text(2048).optional(),
    /**
     * --netns: each server in a network namespace, over a veth link with `delayMs` added to each direction and,
     * with --netem-rate, at most `rateMbit` megabits per second each way, by `delayBy`: netem on both ends, or the
     * lab's relay in the bench process (no netem in the kernel; set whenever the link is shaped; older files,
     * without it, used netem).
     */
    network: z.object({ namespaces: z.literal(true), delayMs: nonNegative, rateMbit: z.number().positive().optional(), delayBy: z.enum(['netem', 'relay']).optional() }).optional(),
    /**
     * How the bench spoke to the servers (absent in older files: plain HTTP, keep-alive, shared sessions):
     * HTTPS with the lab's self-signed certificate, a new connection for every request, where /visits counts.
     */
    tls: z.boolean().optional(),
    newConnections: z.boolean().optional(),
    sessions: z.enum(['shared', 'local']).optional(),
    /**
     * --cpus: where the servers and the load generator ran: `auto` (per cell on fewer than 4 cores, a client of its
     * own from 4 up), `none` (the scheduler's choice), or a given `server` and `client` list; `note` when pinning was
     * not possible here (then nothing was pinned). Each case says where it ran (`placement`).
     */
    cpus: z.object({ mode: z.enum(['auto', 'none', 'spec']), server: z.string().max(200).optional(), client: z.string().max(200).optional(), note: text(500).optional() }).optional(),
    /** --hold: the levels of idle WebSocket connections held through the trials (0: none); ws-chat's room size. */
    hold: z.array(count).max(BOUNDS.levels).optional(),
    members: count.optional(),
    /** --fault: what was done to each server inside each trial's window (a faulted case says what it did). */
    faults: z.array(z.object({ kind: FaultKindSchema, atSeconds: nonNegative, arg: nonNegative })).max(MAX_FAULTS).optional(),
    /**
     * --agents: the load agents each trial's load was split among (in proportion to `weight`: their load processes),
     * where they ran, and each one's clock (this machine's agents: 0; a broker's: its clock minus the broker's).
     */
    agents: z.array(AgentSchema).max(MAX_AGENTS).optional(),
    /** --broker: the Redis the agents registered on (without its password). */
    broker: text(300).optional(),
  }),
  /** --target: the server measured and the idle round trip to it, measured before the first cell. */
  remote: RemoteSchema.optional(),
  /**
   * How every case's figures and intervals were computed (results/stats/stats.ts). Absent in older files: there the
   * throughput is the median of the trials with the t interval of their logarithms around their geometric mean, and
   * a percentile's interval is the t interval of the trials' percentiles.
   */
  statistics: z
    .object({
      /** The geometric mean of the used trials; its 95 % Student t interval on their logarithms, at least ±1 answer per trial. */
      throughput: z.literal('geometric-mean'),
      /**
       * The percentile of the used trials' answers together. 'pooled-order-statistics' (files before 2026-12-07 evening):
       * its 95 % distribution-free order-statistic interval, answers taken as independent; 'trials-t-log': the t interval
       * of the trials' own percentiles' logarithms around it, never narrower than that order-statistic interval.
       */
      latency: z.enum(['pooled-order-statistics', 'trials-t-log']),
      /** The number of trials per case was fixed before any was measured (marked trials are retried, not added). */
      trials: z.literal('fixed'),
      /** Files of 2026-12-05 to 07 only: throughput intervals were widened by the run's speed range (`machineRange`). */
      machine: z.literal('speed-range').optional(),
    })
    .optional(),
  /**
   * How fast the cores computed during the run, by their gauges (bench/machine/core-monitor.ts): the median, 5th and
   * 95th percentile of the trials' speeds, as shares of the best rate (PBKDF2 iterations per ms of CPU) the gauges
   * have seen on this machine (`best`); `history`: the slowest state earlier runs in the same results folder met, and
   * how many they were. Two runs whose medians differ measured the host's state as much as the models.
   */
  machineSpeed: z
    .object({
      median: z.number().positive().max(1),
      low: z.number().positive().max(1),
      high: z.number().positive().max(1),
      best: z.number().positive(),
      history: z.object({ low: z.number().positive().max(1), runs: z.number().int().positive() }).optional(),
    })
    .optional(),
  calibration: z.object({
    iterationsPerMs: z.number().positive(),
    samples: z.array(z.number().positive()).max(BOUNDS.probes),
    method: text(500),
  }),
  probes: z.array(ProbeSchema).max(BOUNDS.probes),
  workloads: z.array(z.object({ name: label, description: text(1000), paths: z.array(text(500)).max(BOUNDS.names) })).max(BOUNDS.names),
  models: z.array(z.object({ name: label, summary: text(500), paragraph: text(4000), reference: z.boolean() })).max(BOUNDS.names),
  warnings: z.array(WarningSchema).max(BOUNDS.runWarnings),
  cases: z.array(CaseSchema).max(BOUNDS.cases),
  /**
   * The key and the values each English sentence of the file (its warnings, the reasons trials were marked, what the
   * probes found) was made from (lib/lang/sentences.ts): a page says them in its own language. Absent in older files.
   */
  sentences: z
    .record(text(2000), z.object({ key: text(100), args: z.record(text(40), z.union([text(500), z.number()])).optional() }))
    .refine((r) => Object.keys(r).length <= BOUNDS.sentences, { error: `at most ${BOUNDS.sentences} sentences` })
    .optional(),
});

/**
 * An open run names its rates, and every open case one of them (the pages draw the open cases by rate): a file
 * whose open cases the pages could not show is refused, not half-drawn.
 */
export const ResultsSchema = ResultsObject.superRefine((r, ctx) => {
  const rates = r.options.rates;
  const open = r.cases.map((c, i) => [c, i] as const).filter(([c]) => c.mode === 'open');
  if (rates === undefined) {
    for (const [, i] of open) ctx.addIssue({ code: 'custom', path: ['cases', i, 'mode'], message: 'an open-loop case in a run without options.rates' });
    return;
  }
  if (rates.length === 0) ctx.addIssue({ code: 'custom', path: ['options', 'rates'], message: 'must list at least one rate' });
  if (new Set(rates).size !== rates.length || rates.some((x, i) => i > 0 && x < (rates[i - 1] ?? 0))) ctx.addIssue({ code: 'custom', path: ['options', 'rates'], message: 'must be ascending, each once' });
  const seen = new Set<string>();
  for (const [c, i] of open) {
    if (c.targetRate !== undefined && !rates.includes(c.targetRate)) ctx.addIssue({ code: 'custom', path: ['cases', i, 'targetRate'], message: `${c.targetRate} is not one of options.rates` });
    const key = `${c.model}\u0000${c.workload}\u0000${String(c.targetRate)}`;
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['cases', i], message: 'a second open case of the same model, workload and rate' });
    seen.add(key);
  }
});

export type Latency = z.infer<typeof LatencySchema>;
export type DistributionPoint = z.infer<typeof DistributionPointSchema>;
export type Warning = z.infer<typeof WarningSchema>;
export type Timeline = z.infer<typeof TimelineSchema>;
export type TrialFault = z.infer<typeof TrialFaultSchema>;
export type CaseFault = z.infer<typeof CaseFaultSchema>;
export type OkTrial = z.infer<typeof OkTrialSchema>;
export type FailedTrial = z.infer<typeof FailedTrialSchema>;
export type Trial = z.infer<typeof TrialSchema>;
export type LittlesLaw = z.infer<typeof LittlesLawSchema>;
export type OkCase = z.infer<typeof OkCaseSchema>;
export type FailedCase = z.infer<typeof FailedCaseSchema>;
export type CaseResult = z.infer<typeof CaseSchema>;
export type Probe = z.infer<typeof ProbeSchema>;
export type ChatCountsResult = z.infer<typeof ChatSchema>;
export type TrialHeld = z.infer<typeof TrialHeldSchema>;
export type CaseHeld = z.infer<typeof CaseHeldSchema>;
export type Results = z.infer<typeof ResultsSchema>;

/** One readable line naming the first wrong field of a zod failure. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  // A path can hold a file's own keys: escaped and bounded, as anything read from elsewhere that may be printed.
  const where = issue === undefined || issue.path.length === 0 ? 'the file' : printable(issue.path.map(String).join('.'), 120);
  return `${where}: ${issue?.message ?? 'invalid'}`;
}

/** Validates parsed JSON of the current version; throws one readable message naming the first wrong field. */
export function validateResults(value: unknown): Results {
  const parsed = ResultsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new Error(`not a valid results file: ${firstIssue(parsed.error)}`);
}
