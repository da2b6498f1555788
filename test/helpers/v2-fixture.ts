/**
 * A realistic version-2 results file, made deterministically for the report tests: five models (baseline on
 * `hello` only), three workloads, 1, 16 and 64 clients, 3 interleaved rounds per cell (5 in one cell whose
 * interval stayed wide), probes of the machine with one capacity drop, one marked trial and its retry, one failed
 * trial, one failed case, latencies that are lower bounds (Little's law, censored requests), and markup in a model
 * paragraph and in a warning message. Cases are summarised by results/case-summary.ts, as the bench does, so
 * their medians, intervals and warnings are the lab's own.
 *
 * Two runs that contradict each other on purpose: buildV2Results() and buildV2Results(CONTRADICTING).
 */
import { summarizeCase } from '../../results/stats/case-summary.js';
import { validateResults, type CaseResult, type DistributionPoint, type FailedTrial, type Latency, type OkTrial, type Probe, type Results, type Trial, type Warning } from '../../results/schema.js';
import { seededRandom } from '../../lib/random.js';

export const HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>';

export interface V2FixtureOptions {
  readonly runId?: string;
  readonly startedAt?: string;
  /** Seed of the trials' noise. */
  readonly seed?: number;
  /** True throughput of some cases ("model·workload·clients") multiplied by a factor: to make two runs disagree. */
  readonly scale?: Readonly<Record<string, number>>;
  /** Markup in a model paragraph and in a warning message (on by default). */
  readonly hostile?: boolean;
}

/** A second run that says the opposite about `event-loop` and `sequential` on hello × 64, and finds a difference on cpu × 64 that the first does not. */
export const CONTRADICTING: V2FixtureOptions = {
  runId: '2026-12-01T09-30-00Z-b3b3',
  startedAt: '2026-12-01T09:30:00.000Z',
  seed: 7,
  scale: { 'event-loop·hello·64': 0.78, 'cluster·cpu·64': 1.3 },
  hostile: false,
};

export const MODELS = ['sequential', 'event-loop', 'worker-pool', 'cluster', 'baseline'] as const;
export const WORKLOADS = ['hello', 'io', 'cpu'] as const;
export const CONNECTIONS = [1, 16, 64] as const;
const CORES = 2;

/** The machine's truth: requests per second of each model, workload and number of clients. */
const TRUE_RPS: Readonly<Record<string, Readonly<Record<string, readonly [number, number, number]>>>> = {
  hello: { sequential: [7000, 29000, 30000], 'event-loop': [7200, 29600, 34000], 'worker-pool': [2500, 8000, 9000], cluster: [6000, 21000, 22000], baseline: [8000, 36000, 37000] },
  io: { sequential: [47, 47, 47], 'event-loop': [48, 770, 3000], 'worker-pool': [47, 94, 94], cluster: [47, 760, 2950] },
  cpu: { sequential: [450, 452, 451], 'event-loop': [460, 462, 461], 'worker-pool': [430, 760, 770], cluster: [440, 775, 785] },
};

/** Where something goes wrong on purpose. */
const FAILED_CASE = 'worker-pool·io·64';
const FAILED_CASE_ERROR = 'the server exited with code 134 before answering (out of memory)';
const FAILED_TRIAL = { key: 'cluster·cpu·1', round: 3, error: 'no answer within 10 s (timeout)' };
const MARKED = { cell: 'io·16', model: 'event-loop', round: 2, reasons: ['parallel capacity 61% of the start', 'background load 140% of a core'] };
/** Little's law broken: the measured mean is this share of N / X (requests that waited past the window were not seen). */
const SEEN_SHARE: Readonly<Record<string, number>> = { 'sequential·io·64': 0.2, 'sequential·cpu·64': 0.61 };
const CENSORED: Readonly<Record<string, number>> = { 'sequential·io·64': 3 };
/** The cell whose interval stayed wide: two more rounds, and more noise. */
const WIDE_CELL = 'io·16';

const PERCENTILES = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 98, 99, 99.5, 99.75, 99.9, 99.95, 99.99, 100];

const PARAGRAPHS: Readonly<Record<string, readonly [string, string]>> = {
  sequential: ['one thread; every step of a request blocks it', 'One thread does everything, and every step of a request blocks it: files are read with readFileSync, waits sleep the thread. Requests queue and are served one after another, so throughput is 1 / (service time) whatever the number of clients, and latency grows with every client added.'],
  'event-loop': ['one thread; waits are non-blocking, others progress meanwhile', 'One thread, but a request that waits gives the thread back to the event loop, which serves other requests meanwhile. Waits overlap; CPU work does not.'],
  'worker-pool': ['main thread accepts; N pool threads (piscina) run requests with blocking waits', 'The main thread hands each request to one of N threads of a pool (piscina), which runs it from start to finish, blocking on its waits. CPU work spreads over cores; waits are bounded by the pool.'],
  cluster: ['N processes (node:cluster), each an event loop, share one port', 'N processes started by node:cluster share one listening port. Each is a full event-loop server, so waits overlap inside each one and CPU work spreads over the cores.'],
  baseline: ['reference only: a bare node:http server that answers / without the application', 'Not a model of the application: a bare node:http server that answers every request with the bytes of the application’s `/`. It shows the ceiling of Node.js on this machine.'],
};


/** Fisher–Yates: the order of the models in a round. */
function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

function latencyFor(connections: number, rps: number, seenShare: number): Latency {
  const mean = (connections / rps) * 1e6 * seenShare;
  const one = connections === 1;
  return {
    min: Math.round(mean * (one ? 0.6 : 0.3)),
    mean: round1(mean),
    p50: Math.round(mean * (one ? 0.95 : 0.9)),
    p90: Math.round(mean * 1.4),
    p99: Math.round(mean * (one ? 1.8 : 2.1)),
    p999: Math.round(mean * 3),
    max: Math.round(mean * 4),
  };
}

/** The HDR points of a latency, log-interpolated between its percentiles. */
function distributionOf(l: Latency): DistributionPoint[] {
  const anchors: [number, number][] = [[0, l.min], [50, l.p50], [90, l.p90], [99, l.p99], [99.9, l.p999], [100, l.max]];
  return PERCENTILES.map((percentile) => {
    const upper = anchors.findIndex(([p]) => p >= percentile);
    const [p1, u1] = anchors[Math.max(0, upper - 1)] ?? [0, l.min];
    const [p2, u2] = anchors[upper] ?? [100, l.max];
    const f = p2 === p1 ? 1 : (percentile - p1) / (p2 - p1);
    return { percentile, us: Math.round(Math.exp(Math.log(Math.max(1, u1)) + f * (Math.log(Math.max(1, u2)) - Math.log(Math.max(1, u1))))) };
  });
}

function medianLatency(trials: readonly OkTrial[]): Latency {
  const pick = (f: (l: Latency) => number): number => {
    const sorted = trials.map((t) => f(t.latencyUs)).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  return { min: pick((l) => l.min), mean: pick((l) => l.mean), p50: pick((l) => l.p50), p90: pick((l) => l.p90), p99: pick((l) => l.p99), p999: pick((l) => l.p999), max: pick((l) => l.max) };
}

function modelParams(model: string): Record<string, number> {
  if (model === 'worker-pool') return { threads: 2 };
  if (model === 'cluster') return { processes: 2 };
  return {};
}

export function buildV2Results(options: V2FixtureOptions = {}): Results {
  const runId = options.runId ?? '2026-12-01T09-00-00Z-a2a2';
  const startedAt = options.startedAt ?? '2026-12-01T09:00:00.000Z';
  const hostile = options.hostile ?? true;
  const next = seededRandom(options.seed ?? 42);
  const t0 = Date.parse(startedAt);
  let clock = 5; // seconds since the start: calibration and the first probe come first
  const at = (): string => new Date(t0 + clock * 1000).toISOString();

  const probes: Probe[] = [];
  const probe = (before: string, capacityShare: number, background: number): void => {
    const singleRate = Math.round(3500 * (0.97 + 0.06 * next()));
    const each = Math.round(((singleRate * 1.96) / CORES) * capacityShare);
    probes.push({ at: at(), before, singleRate, parallelRates: [each, each], capacity: Math.round(((each * CORES) / singleRate) * 1000) / 1000, backgroundCpuPercent: background });
    clock += 2;
  };
  probe('start', 1, 3);

  const cases: CaseResult[] = [];
  for (const workload of WORKLOADS) {
    for (const [level, connections] of CONNECTIONS.entries()) {
      const cellKey = `${workload}·${connections}`;
      const capacityDropped = cellKey === MARKED.cell;
      probe(`${workload} × ${connections}`, capacityDropped ? 0.61 : 1, capacityDropped ? 130 : 2 + Math.round(next() * 4));
      const models = MODELS.filter((m) => TRUE_RPS[workload]?.[m] !== undefined);
      const rounds = cellKey === WIDE_CELL ? 5 : 3;
      const noise = cellKey === WIDE_CELL ? 0.2 : 0.04;
      const trials = new Map<string, Trial[]>(models.map((m) => [m, []]));
      const retries: { model: string; trial: Trial }[] = [];
      for (let round = 1; round <= rounds; round++) {
        const machine = 0.97 + 0.06 * next(); // the round's speed: the same for every model of the round
        const order = shuffled(models, next);
        for (const [position, model] of order.entries()) {
          const key = `${model}·${workload}·${connections}`;
          const base = { round, order: position, startedAt: at(), marked: [] as string[] };
          clock += 2.5;
          const list = trials.get(model) ?? [];
          if (key === FAILED_CASE || (key === FAILED_TRIAL.key && round === FAILED_TRIAL.round)) {
            const failed: FailedTrial = { ...base, status: 'failed', error: key === FAILED_CASE ? FAILED_CASE_ERROR : FAILED_TRIAL.error };
            list.push(failed);
            continue;
          }
          const marked = cellKey === MARKED.cell && model === MARKED.model && round === MARKED.round;
          const truth = (TRUE_RPS[workload]?.[model]?.[level] ?? 1) * (options.scale?.[key] ?? 1);
          const okTrial = (factor: number, startedAtOf: string, marks: string[], position_: number, retryOf?: number): OkTrial => {
            const rps = round1(truth * factor * (1 - noise / 2 + noise * next()));
            const durationSeconds = 2;
            const saturated = workload === 'hello' && connections >= 16;
            return {
              round,
              order: position_,
              startedAt: startedAtOf,
              marked: marks,
              ...(retryOf === undefined ? {} : { retryOf }),
              status: 'ok',
              durationSeconds,
              requests: Math.round(rps * durationSeconds),
              rps,
              latencyUs: latencyFor(connections, rps, SEEN_SHARE[key] ?? 1),
              sample: Math.round(rps * durationSeconds),
              censored: CENSORED[key] ?? 0,
              errors: 0,
              timeouts: 0,
              non2xx: model === 'worker-pool' && workload === 'hello' && connections === 64 ? 15 : 0,
              serverCpuPercent: round1((workload === 'io' ? 8 + connections / 4 : model === 'worker-pool' || model === 'cluster' ? 160 : 97) * (0.95 + 0.1 * next())),
              serverRssPeakBytes: (model === 'cluster' ? 150 : model === 'worker-pool' ? 110 : 62) * 1048576 + Math.round(next() * 4 * 1048576),
              serverProcesses: model === 'cluster' ? 3 : 1,
              clientCpuPercent: round1(saturated ? 93 + 4 * next() : 20 + 30 * next()),
              backgroundCpuPercent: marks.length > 0 ? 140 : round1(2 + 4 * next()),
              servedBy: model === 'cluster' || model === 'worker-pool' ? 2 : 1,
            };
          };
          if (marked) {
            // Taken while the machine was slower: marked, and retried once at the end of the round.
            list.push(okTrial(machine * 0.6, base.startedAt, [...MARKED.reasons], position));
            retries.push({ model, trial: okTrial(machine, '', [], models.length, list.length - 1) });
          } else {
            list.push(okTrial(machine, base.startedAt, [], position));
          }
        }
        for (const r of retries.splice(0)) {
          trials.get(r.model)?.push({ ...r.trial, startedAt: at() });
          clock += 2.5;
        }
      }
      for (const model of models) {
        const list = trials.get(model) ?? [];
        const key = `${model}·${workload}·${connections}`;
        const ok = list.filter((t): t is OkTrial => t.status === 'ok' && t.marked.length === 0);
        const latencyUs = ok.length === 0 ? null : medianLatency(ok);
        const extraWarnings: Warning[] =
          hostile && key === 'cluster·hello·1' ? [{ code: 'server-stop', message: `a server process survived its stop: ${HOSTILE} & <b>bold</b>` }] : [];
        cases.push(
          summarizeCase({
            model,
            modelParams: modelParams(model),
            workload,
            connections,
            trials: list,
            merged: latencyUs === null ? null : { latencyUs, distribution: distributionOf(latencyUs) },
            cpus: CORES,
            extraWarnings,
          }),
        );
      }
    }
  }
  const finishedAt = at();
  const results = {
    schemaVersion: 2,
    runId,
    startedAt,
    finishedAt,
    complete: true,
    machine: { cpuModel: 'AMD EPYC 7B13', cpus: CORES, memoryBytes: 8 * 1024 ** 3, os: 'linux 6.18.44', node: 'v20.20.2', hostname: 'lab' },
    git: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: false },
    options: {
      profile: 'default',
      models: [...MODELS],
      workloads: [...WORKLOADS],
      connections: [...CONNECTIONS],
      durationSeconds: 2,
      warmupSeconds: 0.5,
      trials: 3,
      maxTrials: 5,
      budgetSeconds: 300,
      threads: 2,
      processes: 2,
      seed: options.seed ?? 42,
    },
    calibration: { iterationsPerMs: 3512, samples: [3490, 3512, 3530, 3501, 3520], method: 'median of 5 runs of 50000 PBKDF2-SHA256 iterations (iterations per ms)' },
    probes,
    workloads: [
      { name: 'hello', description: 'GET / — the smallest answer: the cost of the model itself', paths: ['/'] },
      { name: 'io', description: 'a 20 ms wait per request (as for a database), no CPU', paths: ['/work?io=20'] },
      { name: 'cpu', description: 'about 2 ms of CPU work per request (PBKDF2)', paths: ['/work?cpu=7024'] },
    ],
    models: MODELS.map((name) => {
      const [summary, paragraph] = PARAGRAPHS[name] ?? ['', ''];
      return { name, summary, paragraph: hostile && name === 'event-loop' ? `${paragraph} ${HOSTILE} & <b>bold</b>` : paragraph, reference: name === 'baseline' };
    }),
    warnings: [
      { code: 'machine', message: `this machine has ${CORES} cores, and the load generator runs on them too: a model that uses every core competes with the client` },
      { code: 'machine-drift', message: 'the parallel capacity dropped to 61% of the start before io × 16: trials taken then were marked and retried' },
    ],
    cases,
  };
  return validateResults(results);
}

/** One ok trial of 16 clients whose mean latency obeys Little's law, for unit tests; `overrides` change any field. */
export function okTrial(round: number, rps: number, overrides: Partial<OkTrial> = {}): OkTrial {
  const mean = (16 / rps) * 1e6;
  return {
    round,
    order: 0,
    startedAt: '2026-12-01T09:00:00.000Z',
    marked: [],
    status: 'ok',
    durationSeconds: 2,
    requests: Math.round(rps * 2),
    rps,
    latencyUs: { min: 100, mean, p50: Math.round(mean), p90: Math.round(mean * 1.4), p99: Math.round(mean * 2), p999: Math.round(mean * 3), max: Math.round(mean * 4) },
    sample: Math.round(rps * 2),
    censored: 0,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    serverCpuPercent: 50,
    serverRssPeakBytes: 64 * 1048576,
    serverProcesses: 1,
    clientCpuPercent: 30,
    backgroundCpuPercent: 3,
    servedBy: 1,
    ...overrides,
  };
}
