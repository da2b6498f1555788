import { join } from 'node:path';
import { writeResultsFile } from '../../results/file.js';
import { predictCases } from '../../results/theory/predict.js';
import { predictOpenCases } from '../../results/theory/predict-open.js';
import { newRunId } from '../../results/run-id.js';
import { speedRange } from '../../results/stats/machine-range.js';
import { SCHEMA_VERSION, type CaseResult, type Results } from '../../results/schema.js';
import { CATALOGUE, type ModelName } from '../../servers/catalogue.js';
import { benchParams, cellName, DEMAND_WINDOW_SECONDS, planCells, type PlannedCell } from './plan-cells.js';
import { driftWarning, runWarnings } from '../machine/run-warnings.js';
import { keepGauge, keptGauge, runCalibration, type Calibration } from '../machine/calibration.js';
import { runCell, type CellModel } from './cell.js';
import { gitInfo, machineInfo } from '../machine/machine-info.js';
import type { ResolvedBenchOptions } from '../plan/options.js';
import { startMachineProbe } from '../machine/probe.js';
import { bestProbe, driftReasons } from '../../results/stats/probes.js';
import { serverSet, type ExpectedAnswer } from './servers.js';
import { expectedAnswers } from './expected.js';
import { startLoadGenerator } from '../load/load-host.js';
import { autoReason, pinningUnavailable, pinTree, placeCell } from '../machine/placement.js';
import { startCoreMonitor } from '../machine/core-monitor.js';
import { connectTarget, type RemoteTarget } from '../network/remote.js';
import { remoteServerSet } from './remote-servers.js';
import { delayMethod, removeLeftovers } from '../network/netns.js';
import { benchTransport } from './transport.js';
import { seededRandom } from '../../lib/random.js';
import type { TrialRun, TrialSpec } from './trial.js';
import type { LoadProgress } from '../load/load-progress.js';
import { buildWorkload, type Workload } from '../plan/workloads.js';
import { sentencesOf } from '../../lib/lang/sentences.js';
import { sentenceTexts } from '../../results/sentences.js';
import { t } from '../../lib/lang/lang.js';
import { cellLabel } from './progress.js';

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

/**
 * Runs the whole plan. The results file is rewritten (atomically) after every cell, marked incomplete until
 * the end, so an interrupted run still leaves every finished cell on disk.
 */
export async function runBench(given: ResolvedBenchOptions, signal: AbortSignal, hooks: RunHooks = {}, connected: RemoteTarget | null = null): Promise<BenchRun> {
  const t0 = performance.now();
  // --target: the one model is the target's (the CLI connects first, to refuse a bad target with status 2).
  const remote = connected ?? (given.target === null ? null : await connectTarget(given.target));
  const placed: ResolvedBenchOptions = remote === null ? given : { ...given, models: [remote.model] };
  // --netem-delay: netem where the kernel has it, else the lab's relay; the results say which.
  const options: ResolvedBenchOptions = placed.network === null ? placed : { ...placed, network: delayMethod(placed.network) };
  // --netns: namespaces of a bench that was killed before it could remove them go first.
  if (options.network !== null) removeLeftovers();
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const resultsPath = join(options.outDir, runId, 'results.json');
  const machine = machineInfo();
  hooks.onPhase?.(t('prog.calibrating'));
  const calibration: Calibration = await runCalibration(options.outDir, machine, options.recalibrate);
  const cells = planCells(options);
  // The plan's workloads in its order: an open run's `hello` demand cell comes first.
  const planned = [...new Set(cells.map((c) => c.workload))];
  const workloads = new Map<string, Workload>();
  for (const c of cells) if (!workloads.has(c.workload)) workloads.set(c.workload, buildWorkload(c.base, calibration, c.hold));
  const random = seededRandom(options.seed);
  // HTTPS, new connections, sessions: the certificate is made (once) before any server starts.
  const transport = await benchTransport(options);
  hooks.onPhase?.(t('prog.expected'));
  const expected = await expectedAnswers(workloads.values(), signal);
  // The load runs in a process of its own, apart from everything the bench does meanwhile.
  hooks.onPhase?.(t('prog.generator'));
  const generator = await startLoadGenerator({ fileLimit: options.fileLimit });
  // --cpus: pinned with taskset, cell by cell (bench/machine/placement.ts); where it cannot pin, `auto` pins nothing.
  const noPinning = options.cpus.mode === 'none' ? null : pinningUnavailable();
  // Each core's gauge, for the whole run: a trial taken while the host slowed a core is marked.
  const gaugeHistory = keptGauge(options.outDir, machine);
  const monitor = startCoreMonitor(machine.cpus, pinningUnavailable() === null, gaugeHistory?.best);
  const cpus = noPinning !== null ? { mode: 'none' as const } : options.cpus;

  const results: Results = {
    schemaVersion: SCHEMA_VERSION,
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    complete: false,
    machine,
    git: gitInfo(),
    options: {
      profile: options.profile,
      models: [...options.models],
      workloads: [...options.workloads],
      connections: [...options.connections],
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      trials: options.trials,
      maxTrials: options.maxTrials,
      budgetSeconds: options.budgetSeconds,
      threads: options.threads,
      processes: options.processes,
      seed: options.seed,
      ...(options.open === null ? {} : { rates: [...options.open.rates], arrivals: options.open.arrivals, maxInflight: options.open.maxInflight }),
      // The levels held: the options' and a profile's own cells' (0 only where the plan measures without any held).
      ...(cells.some((c) => c.hold > 0) ? { hold: [...new Set([...options.hold, ...cells.map((c) => c.hold)])].filter((h) => h > 0 || options.hold.includes(0)).sort((a, b) => a - b) } : {}),
      ...(options.workloads.includes('ws-chat') ? { members: options.members } : {}),
      ...(options.target === null ? {} : { target: options.target }),
      ...(options.network === null ? {} : { network: { ...options.network } }),
      tls: options.tls,
      newConnections: options.newConnections,
      sessions: options.sessions,
      cpus: { mode: options.cpus.mode, ...(options.cpus.mode === 'spec' ? { server: options.cpus.server, client: options.cpus.client } : {}), ...(noPinning !== null ? { note: noPinning } : options.cpus.mode === 'auto' ? { note: autoReason(machine.cpus) } : {}) },
    },
    ...(remote === null ? {} : { remote: { url: remote.url, pid: remote.pid, rttMedianMs: remote.rtt.medianMs, rttMinMs: remote.rtt.minMs, rttSamples: remote.rtt.samples } }),
    // How every figure below is estimated (results/stats/stats.ts): the reader of the file need not guess.
    statistics: { throughput: 'geometric-mean', latency: 'pooled-order-statistics', trials: 'fixed', machine: 'speed-range' },
    calibration,
    probes: [],
    workloads: [...workloads.values()].map((w) => ({ name: w.name, description: w.description, paths: [...w.paths] })),
    models: options.models.map((name) => ({ name, summary: CATALOGUE[name].summary, paragraph: CATALOGUE[name].paragraph, reference: CATALOGUE[name].reference })),
    warnings: remote === null ? runWarnings(machine.cpus) : [],
    cases: [],
  };
  const save = (): void => {
    results.finishedAt = new Date().toISOString();
    // The key and values of every sentence the file holds: a page says them in its own language.
    results.sentences = sentencesOf(sentenceTexts(results));
    writeResultsFile(resultsPath, results);
  };
  save();
  hooks.onResultsPath?.(resultsPath);

  const machineProbe = startMachineProbe(machine.cpus);
  /** `before`: what the probe comes before, as the results keep it ("start", "io × 16"); `phase`: the same, in words. */
  const probe = async (before: string, phase: string): Promise<string[]> => {
    hooks.onPhase?.(phase);
    const reference = bestProbe(results.probes);
    const first = await machineProbe.measure(before);
    const firstDrift = reference === undefined ? [] : driftReasons(reference, first);
    if (firstDrift.length === 0) {
      results.probes.push({ ...first, drift: [] });
      return [];
    }
    // One probe of 80 ms can catch a hiccup: a drop counts only if a second probe, at once, finds it again.
    const second = await machineProbe.measure(before);
    const drift = reference === undefined ? [] : driftReasons(reference, second);
    results.probes.push({ ...first, drift: firstDrift, confirmed: drift.length > 0 }, { ...second, drift });
    return drift;
  };

  // Time left: the base trials still to run × the mean time of a trial so far (a guess before the first).
  // Poisson gaps from their own seeded generator: the order of the rounds stays what the seed gave before.
  const arrivalsRandom = seededRandom(options.seed ^ 0x5bd1e995);
  const trialSpec = (w: Workload, cell: PlannedCell): TrialSpec => {
    const demandOnly = options.open !== null && cell.rate === undefined;
    const durationSeconds = demandOnly ? Math.min(DEMAND_WINDOW_SECONDS, options.durationSeconds) : options.durationSeconds;
    return {
      paths: w.paths,
      connections: cell.connections,
      warmupSeconds: demandOnly ? Math.min(0.25, options.warmupSeconds) : options.warmupSeconds,
      durationSeconds,
      maxDrainSeconds: maxDrainSeconds(durationSeconds),
      ...(hooks.onLoadProgress === undefined ? {} : { onProgress: hooks.onLoadProgress }),
      ...(options.open === null || cell.rate === undefined ? {} : { open: { rate: cell.rate, arrivals: options.open.arrivals, maxInflight: options.open.maxInflight, random: arrivalsRandom } }),
      // The session workload always opens a new connection per visit (bench/workloads.ts says why).
      newConnections: transport.newConnections || w.session === true,
      session: w.session === true,
      ...(transport.ca === null ? {} : { ca: transport.ca }),
      protocol: w.protocol,
      hold: w.hold,
      ...(w.protocol === 'ws-chat' ? { members: cell.connections } : {}),
    };
  };
  // The most connections a workload's servers hold for their whole life at once (held idle ones, and every WebSocket
  // client): a per-connection model's bound must let them all in, or the cell measures its line.
  const heldAtOnce = (name: string): number => Math.max(0, ...cells.filter((c) => c.workload === name && (c.hold > 0 || c.base.startsWith('ws-'))).map((c) => c.hold + c.connections));
  const baseTrials = (from: number): number => cells.slice(from).reduce((acc, c) => acc + c.models.length * options.trials, 0);
  let trialsDone = 0;
  let trialSecondsTotal = 0;
  const meanTrialSeconds = (): number => (trialsDone === 0 ? options.warmupSeconds + options.durationSeconds + 0.3 : trialSecondsTotal / trialsDone);
  const elapsed = (): number => (performance.now() - t0) / 1000;

  const interrupted = (): boolean => signal.aborted;
  try {
    await probe('start', t('prog.probeStart'));
    let index = 0;
    for (const name of planned) {
      const workload = workloads.get(name);
      const workloadCells = cells.filter((c) => c.workload === name);
      if (workload === undefined || workloadCells.length === 0 || interrupted()) continue;
      const answers = expected.get(workload.name) ?? new Map<string, ExpectedAnswer>();
      const servers = remote === null ? serverSet(generator, answers, { ...transport, newConnections: transport.newConnections || workload.session === true, protocol: workload.protocol, fileLimit: options.fileLimit }, options.network, { onStart: (model) => hooks.onServerStart?.(model), signal }) : remoteServerSet(generator, remote, answers, signal, workload.protocol);
      try {
        for (const cell of workloadCells) {
          if (interrupted()) break;
          const cellIndex = index;
          index += 1;
          const marks = await probe(cellName(cell), t('prog.probe', { cell: cellLabel(cell) }));
          const placement = placeCell(cpus, machine.cpus);
          // Pinned only where the placement names cores (auto on fewer than 4 cores leaves it to the scheduler).
          const pins = placement.server !== null || placement.client !== null;
          const clientPinned = pins ? pinTree(generator.pid, placement.client, machine.cpus) : null;
          const models: CellModel[] = cell.models.map((model) => ({ model, params: remote === null ? benchParams(model, options, heldAtOnce(name)) : { ...remote.params } }));
          const spec = trialSpec(workload, cell);
          let trialStarted = 0;
          let doneInCell = 0;
          const info = (model: ModelName, round: number, retry: boolean): TrialInfo => ({
            cell: cellIndex,
            cells: cells.length,
            workload: name,
            connections: cell.connections,
            ...(cell.rate === undefined ? {} : { rate: cell.rate }),
            model,
            round,
            retry,
            secondsLeft: Math.max(0, (baseTrials(cellIndex) - Math.min(doneInCell, cell.models.length * options.trials)) * meanTrialSeconds()),
            warmupSeconds: spec.warmupSeconds,
            durationSeconds: spec.durationSeconds,
          });
          const cases = await runCell(name, cell.connections, models, {
            servers,
            generator,
            monitor,
            ...(pins ? { placement, pinServer: (pid: number) => (remote === null ? pinTree(pid, placement.server, machine.cpus) : null) ?? clientPinned } : {}),
            spec,
            minTrials: options.trials,
            maxTrials: options.maxTrials,
            random,
            signal,
            cpus: machine.cpus,
            marks,
            reprobe: () => probe(`retries of ${cellName(cell)}`, t('prog.probeRetries', { cell: cellLabel(cell) })),
            allowsExtra: (seconds) => {
              // The time the budget leaves beyond the base plan is shared evenly by this cell and the ones to come:
              // the first cells must not spend what the last ones need.
              const spare = options.budgetSeconds - elapsed() - baseTrials(cellIndex + 1) * meanTrialSeconds();
              return seconds <= spare / (cells.length - cellIndex);
            },
            hooks: {
              onTrialStart: (model, round, retry) => {
                trialStarted = performance.now();
                hooks.onTrialStart?.(info(model, round, retry));
              },
              onTrialEnd: (model, run) => {
                trialsDone += 1;
                doneInCell += 1;
                trialSecondsTotal += (performance.now() - trialStarted) / 1000;
                hooks.onTrialEnd?.(info(model, run.trial.round, run.trial.retryOf !== undefined), run);
              },
            },
          });
          if (interrupted()) break; // an interrupted cell is not a measurement
          results.cases.push(...cases);
          save();
          hooks.onCellEnd?.(cellIndex, cells.length, cases);
        }
      } finally {
        hooks.onPhase?.(t('prog.stopping', { workload: name }));
        const problems = await servers.stopAll();
        for (const problem of problems) results.warnings.push({ code: 'server-stop', message: problem });
      }
    }
  } finally {
    await Promise.all([machineProbe.close(), generator.close(), monitor?.close()]);
  }
  // Predict, then measure: theory's numbers beside each measured case, from the demands measured at 1 client.
  // The speeds the run met, recorded beside its figures (not added to their intervals: results/stats/machine-range.ts).
  const range = speedRange(results);
  const gaugeBest = monitor?.best() ?? null;
  if (range !== null && gaugeBest !== null) {
    results.machineSpeed = { ...range, best: Math.round(gaugeBest), ...(gaugeHistory === null ? {} : { history: { low: gaugeHistory.low, runs: gaugeHistory.runs } }) };
    // Only a whole run says what state the host can be in: an interrupted one keeps nothing.
    if (!interrupted()) keepGauge(options.outDir, machine, { best: gaugeBest, low: range.low });
  }
  const predictions = new Map<CaseResult, { readonly rps: number; readonly meanLatencyUs: number }>([...predictCases(results), ...predictOpenCases(results)]);
  results.cases = results.cases.map((c) => {
    const p = predictions.get(c);
    return p === undefined || c.status !== 'ok' ? c : { ...c, predicted: { rps: Math.round(p.rps * 10) / 10, meanLatencyUs: Math.round(p.meanLatencyUs) } };
  });
  const drift = driftWarning(results.probes, results.machine.cpus);
  if (drift !== null) results.warnings.push(drift);
  results.complete = !interrupted();
  save();
  return { results, resultsPath };
}
