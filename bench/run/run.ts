/**
 * A whole run, in the steps a reader expects: plan (the options resolved, the cells), start (calibration, expected
 * answers, the load process, the gauges), measure (workload by workload, cell by cell), summarise (the speeds the run
 * met), predict (theory beside each case), write (the results file, after every cell and at the end).
 */
import { join } from 'node:path';
import { inSample, predictCases } from '../../results/theory/predict.js';
import { predictOpenCases } from '../../results/theory/predict-open.js';
import { speedRange } from '../../results/stats/machine-range.js';
import type { CaseResult, Results, Warning } from '../../results/schema.js';
import { sentence } from '../../lib/lang/sentences.js';
import type { ModelName } from '../../servers/catalogue.js';
import { benchParams, cellName, DEMAND_WINDOW_SECONDS, planCells, type PlannedCell } from './plan-cells.js';
import { driftWarning } from '../machine/run-warnings.js';
import { keepGauge, keptGauge, runCalibration } from '../machine/calibration.js';
import { runCell, type CellModel } from './cell.js';
import { machineInfo } from '../machine/machine-info.js';
import type { ResolvedBenchOptions } from '../plan/options.js';
import { serverSet, type ExpectedAnswer, type ServerSet } from './servers.js';
import { expectedAnswers } from './expected.js';
import { startLoadGenerator, type LoadGenerator } from '../load/load-host.js';
import { startLocalAgents, type AgentGenerator } from '../agents/local-agents.js';
import { startBrokerAgents } from '../agents/broker-agents.js';
import { isLoopback } from '../network/load-target.js';
import { pinningUnavailable, pinTree, placeCell } from '../machine/placement.js';
import { startCoreMonitor, type CoreMonitor } from '../machine/core-monitor.js';
import { connectTarget, type RemoteTarget } from '../network/remote.js';
import { remoteServerSet } from './remote-servers.js';
import { delayMethod, removeLeftovers } from '../network/netns.js';
import { benchTransport, type Transport } from './transport.js';
import { seededRandom } from '../../lib/random.js';
import type { TrialRun, TrialSpec } from './trial.js';
import type { LoadProgress } from '../load/load-progress.js';
import { buildWorkload, type Workload } from '../plan/workloads.js';
import { t } from '../../lib/lang/lang.js';
import { cellLabel } from './progress.js';
import { newResults, saveResults } from './new-results.js';
import { machineProber, type MachineProber } from './machine-prober.js';
import { earlierRuns } from './earlier-runs.js';
import { caseHistory } from '../../results/stats/run-history.js';

export interface TrialInfo {
  readonly cell: number;
  readonly cells: number;
  readonly workload: string;
  readonly connections: number;
  readonly rate?: number;
  readonly model: ModelName;
  readonly round: number;
  readonly retry: boolean;
  /** Estimate of the run's time left, in seconds. */
  readonly secondsLeft: number;
  /** The trial's warm-up and measured window, in seconds (the live view draws them). */
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

export interface RunHooks {
  /** Where the results file is written (once, before the first cell). */
  onResultsPath?(path: string): void;
  /** Something that takes a moment and is not a trial: calibration, a probe, starting the servers. */
  onPhase?(text: string): void;
  onTrialStart?(info: TrialInfo): void;
  onTrialEnd?(info: TrialInfo, run: TrialRun): void;
  onCellEnd?(cell: number, cells: number, cases: readonly CaseResult[]): void;
  /** A model's server is being started (and checked, and warmed up) before its trial's load. */
  onServerStart?(model: ModelName): void;
  /** Samples of the running trial's load, a few a second (the live view). */
  onLoadProgress?: LoadProgress;
}

/** The longest a trial waits after its window for the answers to requests sent in it (then they are censored). */
export function maxDrainSeconds(durationSeconds: number): number {
  return Math.max(5, 4 * durationSeconds);
}

export interface BenchRun {
  readonly results: Results;
  readonly resultsPath: string;
}

/** A run once planned and started: what every later step reads. */
interface RunContext {
  readonly options: ResolvedBenchOptions;
  readonly remote: RemoteTarget | null;
  readonly cells: readonly PlannedCell[];
  readonly workloads: ReadonlyMap<string, Workload>;
  readonly expected: ReadonlyMap<string, ReadonlyMap<string, ExpectedAnswer>>;
  readonly transport: Transport;
  readonly generator: LoadGenerator;
  readonly monitor: CoreMonitor | null;
  readonly gaugeHistory: ReturnType<typeof keptGauge>;
  readonly machine: ReturnType<typeof machineInfo>;
  readonly cpus: ResolvedBenchOptions['cpus'];
  readonly results: Results;
  readonly resultsPath: string;
  readonly prober: MachineProber;
  readonly random: () => number;
  readonly arrivalsRandom: () => number;
  readonly hooks: RunHooks;
  readonly signal: AbortSignal;
  readonly clock: RunClock;
  /** --agents: the load agents the generator is made of (null: one load process). */
  readonly agents: AgentGenerator | null;
  /** --broker: agents lost and who took their place, said as it happened (kept among the run's warnings). */
  readonly agentNotices: readonly string[];
}

/** Time spent and time left: the base trials still to run × the mean time of a trial so far (a guess before the first). */
class RunClock {
  private readonly t0 = performance.now();
  private trialsDone = 0;
  private trialSecondsTotal = 0;
  private cellsStarted = 0;
  constructor(
    private readonly options: ResolvedBenchOptions,
    private readonly cells: readonly PlannedCell[],
  ) {}
  /** The index of the next cell measured, in the order the run measures them (workload by workload). */
  nextCell(): number {
    return this.cellsStarted++;
  }
  elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }
  trialDone(seconds: number): void {
    this.trialsDone += 1;
    this.trialSecondsTotal += seconds;
  }
  meanTrialSeconds(): number {
    return this.trialsDone === 0 ? this.options.warmupSeconds + this.options.durationSeconds + 0.3 : this.trialSecondsTotal / this.trialsDone;
  }
  baseTrials(from: number): number {
    return this.cells.slice(from).reduce((acc, c) => acc + c.models.length * this.options.trials, 0);
  }
  /** The time the budget leaves beyond the base plan, shared evenly by this cell and the ones to come: the first cells must not spend what the last ones need. */
  allowsExtra(cellIndex: number, seconds: number): boolean {
    const spare = this.options.budgetSeconds - this.elapsed() - this.baseTrials(cellIndex + 1) * this.meanTrialSeconds();
    return seconds <= spare / (this.cells.length - cellIndex);
  }
}

/**
 * Runs the whole plan. The results file is rewritten (atomically) after every cell, marked incomplete until
 * the end, so an interrupted run still leaves every finished cell on disk.
 */
export async function runBench(given: ResolvedBenchOptions, signal: AbortSignal, hooks: RunHooks = {}, connected: RemoteTarget | null = null): Promise<BenchRun> {
  const { options, remote } = await planRun(given, connected);
  const run = await startRun(options, remote, hooks, signal);
  try {
    await run.prober.probe('start', t('prog.probeStart'));
    for (const name of new Set(run.cells.map((c) => c.workload))) {
      if (signal.aborted) break;
      await measureWorkload(run, name);
    }
  } finally {
    await Promise.all([run.prober.close(), run.generator.close(), run.monitor?.close()]);
  }
  // A broker's spares that took a lost agent's place were agents of the run too.
  if (run.agents !== null && options.broker !== null) run.results.options.agents = run.agents.agents.map((a) => ({ ...a }));
  summarise(run);
  run.results.warnings.push(...agentWarnings(run.results, run.agentNotices));
  predict(run.results);
  run.results.complete = !signal.aborted;
  saveResults(run.resultsPath, run.results);
  return { results: run.results, resultsPath: run.resultsPath };
}

/** The servers are this machine's loopback ones (no --target, or a loopback target): only this machine's agents reach them. */
export function agentsLocalOnly(target: { readonly url: string } | string | null): boolean {
  return target === null || isLoopback(new URL(typeof target === 'string' ? target : target.url).hostname);
}

/** An agent that starts this long after the common start is told of (it still ran: the slack it may not pass is larger). */
const LATE_AGENT_MS = 50;

/** The run's warnings about its agents (--broker): the ones lost, and the ones that started their loads late. */
function agentWarnings(results: Results, notices: readonly string[]): Warning[] {
  const late = new Map<string, { ms: number; trials: number }>();
  for (const c of results.cases) {
    for (const trial of c.trials) {
      for (const a of ('agents' in trial ? trial.agents : undefined) ?? []) {
        if ((a.startLateMs ?? 0) <= LATE_AGENT_MS) continue;
        const seen = late.get(a.name) ?? { ms: 0, trials: 0 };
        late.set(a.name, { ms: Math.max(seen.ms, a.startLateMs ?? 0), trials: seen.trials + 1 });
      }
    }
  }
  return [
    ...notices.map((message): Warning => ({ code: 'agents', message })),
    ...[...late].map(([name, l]): Warning => ({ code: 'agents', message: sentence('agent.late', { name, ms: Math.round(l.ms), trials: l.trials }) })),
  ];
}

/** Plan: the target connected (--target: its one model), the network's delay method chosen, leftovers of a killed run removed. */
async function planRun(given: ResolvedBenchOptions, connected: RemoteTarget | null): Promise<{ options: ResolvedBenchOptions; remote: RemoteTarget | null }> {
  // --target: the one model is the target's (the CLI connects first, to refuse a bad target with status 2).
  const remote = connected ?? (given.target === null ? null : await connectTarget(given.target));
  const placed: ResolvedBenchOptions = remote === null ? given : { ...given, models: [remote.model] };
  // --netem-delay: netem where the kernel has it, else the lab's relay; the results say which.
  const options: ResolvedBenchOptions = placed.network === null ? placed : { ...placed, network: delayMethod(placed.network) };
  // --netns: namespaces of a bench that was killed before it could remove them go first.
  if (options.network !== null) removeLeftovers();
  return { options, remote };
}

/** Start: calibration, the cells and their workloads, the transport, the expected answers, the load process, the gauges, the results file. */
async function startRun(options: ResolvedBenchOptions, remote: RemoteTarget | null, hooks: RunHooks, signal: AbortSignal): Promise<RunContext> {
  const startedAt = new Date();
  const machine = machineInfo();
  hooks.onPhase?.(t('prog.calibrating'));
  const calibration = await runCalibration(options.outDir, machine, options.recalibrate);
  const cells = planCells(options);
  // The plan's workloads in its order: an open run's `hello` demand cell comes first.
  const workloads = new Map<string, Workload>();
  for (const c of cells) if (!workloads.has(c.workload)) workloads.set(c.workload, buildWorkload(c.base, calibration, c.hold));
  // HTTPS, new connections, sessions: the certificate is made (once) before any server starts.
  const transport = await benchTransport(options);
  hooks.onPhase?.(t('prog.expected'));
  const expected = await expectedAnswers(workloads.values(), signal);
  // The load runs in a process of its own, apart from everything the bench does meanwhile.
  hooks.onPhase?.(t('prog.generator'));
  // --agents N: N load processes, each running its share of every load (bench/agents/local-agents.ts).
  // --broker: the agents registered there (bench/agents/broker-agents.ts), on this machine or others.
  const notices: string[] = [];
  const agentSet =
    options.broker !== null
      ? await startBrokerAgents(options.broker, options.agents, { localOnly: agentsLocalOnly(remote), onNotice: (text) => {
          notices.push(text);
          hooks.onPhase?.(text);
        } })
      : options.agents > 1
        ? await startLocalAgents(options.agents, { fileLimit: options.fileLimit })
        : null;
  const generator = agentSet ?? (await startLoadGenerator({ fileLimit: options.fileLimit }));
  // --cpus: pinned with taskset, cell by cell (bench/machine/placement.ts); where it cannot pin, `auto` pins nothing.
  const noPinning = options.cpus.mode === 'none' ? null : pinningUnavailable();
  // Each core's gauge, for the whole run: a trial taken while the host slowed a core is marked.
  const gaugeHistory = keptGauge(options.outDir, machine);
  const monitor = startCoreMonitor(machine.cpus, pinningUnavailable() === null, gaugeHistory?.best);
  const results = newResults({ options, startedAt, machine, calibration, cells, workloads: [...workloads.values()], remote, noPinning, agents: agentSet?.agents ?? null });
  const resultsPath = join(options.outDir, results.runId, 'results.json');
  saveResults(resultsPath, results);
  hooks.onResultsPath?.(resultsPath);
  return {
    options,
    remote,
    cells,
    workloads,
    expected,
    transport,
    generator,
    monitor,
    gaugeHistory,
    machine,
    cpus: noPinning !== null ? { mode: 'none' as const } : options.cpus,
    results,
    resultsPath,
    prober: machineProber(results, machine.cpus, (text) => hooks.onPhase?.(text)),
    random: seededRandom(options.seed),
    // Poisson gaps from their own seeded generator: the order of the rounds stays what the seed gave before.
    arrivalsRandom: seededRandom(options.seed ^ 0x5bd1e995),
    hooks,
    signal,
    clock: new RunClock(options, cells),
    agents: agentSet,
    agentNotices: notices,
  };
}

/** What each trial of a cell runs: its paths, clients or rate, windows, and transport. */
function trialSpec(run: RunContext, w: Workload, cell: PlannedCell): TrialSpec {
  const { options, transport, hooks } = run;
  const demandOnly = options.open !== null && cell.rate === undefined;
  const durationSeconds = demandOnly ? Math.min(DEMAND_WINDOW_SECONDS, options.durationSeconds) : options.durationSeconds;
  return {
    paths: w.paths,
    connections: cell.connections,
    warmupSeconds: demandOnly ? Math.min(0.25, options.warmupSeconds) : options.warmupSeconds,
    durationSeconds,
    maxDrainSeconds: maxDrainSeconds(durationSeconds),
    ...(hooks.onLoadProgress === undefined ? {} : { onProgress: hooks.onLoadProgress }),
    ...(options.open === null || cell.rate === undefined ? {} : { open: { rate: cell.rate, arrivals: options.open.arrivals, maxInflight: options.open.maxInflight, random: run.arrivalsRandom } }),
    // The session workload always opens a new connection per visit (bench/workloads.ts says why).
    newConnections: transport.newConnections || w.session === true,
    session: w.session === true,
    ...(transport.ca === null ? {} : { ca: transport.ca }),
    protocol: w.protocol,
    hold: w.hold,
    ...(w.protocol === 'ws-chat' ? { members: cell.connections } : {}),
    // Faults go to the cells the user asked for, not to the 1-client measures the predictions stand on.
    ...(options.faults.length > 0 && !demandOnly && options.workloads.includes(cell.base) ? { faults: options.faults } : {}),
  };
}

/** Measure one workload: its servers started once, its cells one after the other, the servers stopped even on failure. */
async function measureWorkload(run: RunContext, name: string): Promise<void> {
  const { options, remote, generator, transport, hooks, signal, results } = run;
  const workload = run.workloads.get(name);
  const workloadCells = run.cells.filter((c) => c.workload === name);
  if (workload === undefined || workloadCells.length === 0) return;
  const answers = run.expected.get(workload.name) ?? new Map<string, ExpectedAnswer>();
  const servers =
    remote === null
      ? serverSet(generator, answers, { ...transport, newConnections: transport.newConnections || workload.session === true, protocol: workload.protocol, fileLimit: options.fileLimit }, options.network, { onStart: (model) => hooks.onServerStart?.(model), signal })
      : remoteServerSet(generator, remote, answers, signal, workload.protocol);
  const interrupted = (): boolean => signal.aborted;
  try {
    for (const cell of workloadCells) {
      if (interrupted()) break;
      const cellIndex = run.clock.nextCell();
      const cases = await measureCell(run, workload, cell, cellIndex, servers);
      if (interrupted()) break; // an interrupted cell is not a measurement
      results.cases.push(...cases);
      saveResults(run.resultsPath, results);
      hooks.onCellEnd?.(cellIndex, run.cells.length, cases);
    }
  } finally {
    hooks.onPhase?.(t('prog.stopping', { workload: name }));
    const problems = await servers.stopAll();
    for (const problem of problems) results.warnings.push({ code: 'server-stop', message: problem });
  }
}

/** The most connections a workload's servers hold for their whole life at once (held idle ones, and every WebSocket client): a per-connection model's bound must let them all in, or the cell measures its line. */
function heldAtOnce(cells: readonly PlannedCell[], name: string): number {
  return Math.max(0, ...cells.filter((c) => c.workload === name && (c.hold > 0 || c.base.startsWith('ws-'))).map((c) => c.hold + c.connections));
}

/** Measure one cell: probed, placed, its models' trials in rounds (bench/run/cell.ts). */
async function measureCell(run: RunContext, workload: Workload, cell: PlannedCell, cellIndex: number, servers: ServerSet): Promise<CaseResult[]> {
  const { options, remote, machine, generator, hooks, clock } = run;
  const marks = await run.prober.probe(cellName(cell), t('prog.probe', { cell: cellLabel(cell) }));
  const placement = placeCell(run.cpus, machine.cpus);
  // Pinned only where the placement names cores (auto on fewer than 4 cores leaves it to the scheduler).
  const pins = placement.server !== null || placement.client !== null;
  // Every load process (--agents: each agent's) where the cell puts the client.
  const clientPinned = pins ? (generator.pids ?? [generator.pid]).map((pid) => pinTree(pid, placement.client, machine.cpus)).find((p) => p !== null) ?? null : null;
  const models: CellModel[] = cell.models.map((model) => ({ model, params: remote === null ? benchParams(model, options, heldAtOnce(run.cells, workload.name)) : { ...remote.params } }));
  const spec = trialSpec(run, workload, cell);
  let trialStarted = 0;
  let doneInCell = 0;
  const info = (model: ModelName, round: number, retry: boolean): TrialInfo => ({
    cell: cellIndex,
    cells: run.cells.length,
    workload: workload.name,
    connections: cell.connections,
    ...(cell.rate === undefined ? {} : { rate: cell.rate }),
    model,
    round,
    retry,
    secondsLeft: Math.max(0, (clock.baseTrials(cellIndex) - Math.min(doneInCell, cell.models.length * options.trials)) * clock.meanTrialSeconds()),
    warmupSeconds: spec.warmupSeconds,
    durationSeconds: spec.durationSeconds,
  });
  return runCell(workload.name, cell.connections, models, {
    servers,
    generator,
    monitor: run.monitor,
    ...(pins ? { placement, pinServer: (pid: number) => (remote === null ? pinTree(pid, placement.server, machine.cpus) : null) ?? clientPinned } : {}),
    spec,
    minTrials: options.trials,
    maxTrials: options.maxTrials,
    random: run.random,
    signal: run.signal,
    cpus: machine.cpus,
    marks,
    reprobe: () => run.prober.probe(`retries of ${cellName(cell)}`, t('prog.probeRetries', { cell: cellLabel(cell) })),
    allowsExtra: (seconds) => clock.allowsExtra(cellIndex, seconds),
    hooks: {
      onTrialStart: (model, round, retry) => {
        trialStarted = performance.now();
        hooks.onTrialStart?.(info(model, round, retry));
      },
      onTrialEnd: (model, trialRun) => {
        doneInCell += 1;
        clock.trialDone((performance.now() - trialStarted) / 1000);
        hooks.onTrialEnd?.(info(model, trialRun.trial.round, trialRun.trial.retryOf !== undefined), trialRun);
      },
    },
  });
}

/** Summarise: the speeds the run met, recorded beside its figures (not added to their intervals: results/stats/machine-range.ts) and kept for later runs; the spread of earlier runs of the plan. */
function summarise(run: RunContext): void {
  const { results, monitor, gaugeHistory } = run;
  const range = speedRange(results);
  const gaugeBest = monitor?.best() ?? null;
  if (range !== null && gaugeBest !== null) {
    results.machineSpeed = { ...range, best: Math.round(gaugeBest), ...(gaugeHistory === null ? {} : { history: { low: gaugeHistory.low, runs: gaugeHistory.runs } }) };
    // Only a whole run says what state the host can be in: an interrupted one keeps nothing.
    if (!run.signal.aborted) keepGauge(run.options.outDir, run.machine, { best: gaugeBest, low: range.low });
  }
  const drift = driftWarning(results.probes, results.machine.cpus);
  if (drift !== null) results.warnings.push(drift);
  // How far earlier runs of this plan landed apart on this machine, beside each closed-loop figure.
  const earlier = earlierRuns(run.options.outDir, results);
  if (earlier.length >= 2) {
    results.cases = results.cases.map((c) => {
      if (c.status !== 'ok' || c.mode !== 'closed') return c;
      const history = caseHistory(c, earlier);
      return history === null ? c : { ...c, history };
    });
  }
}

/** Predict, then measure: theory's numbers beside each measured case, from the demands the run measured. */
function predict(results: Results): void {
  const predictions = new Map<CaseResult, { readonly rps: number; readonly meanLatencyUs: number }>([...predictCases(results), ...predictOpenCases(results)]);
  results.cases = results.cases.map((c) => {
    const p = predictions.get(c);
    if (p === undefined || c.status !== 'ok') return c;
    const fitted = c.mode === 'closed' ? { inSample: inSample(results, c) } : {};
    return { ...c, predicted: { rps: Math.round(p.rps * 10) / 10, meanLatencyUs: Math.round(p.meanLatencyUs), ...fitted } };
  });
}
