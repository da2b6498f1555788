import { join } from 'node:path';
import { writeResultsFile } from '../results/file.js';
import { predictCases } from '../results/predict.js';
import { newRunId } from '../results/run-id.js';
import { SCHEMA_VERSION, type CaseResult, type Probe, type Results, type Warning } from '../results/schema.js';
import { answerBlocking } from '../servers/app/answer.js';
import { CATALOGUE, type ModelName } from '../servers/catalogue.js';
import { calibrate, type Calibration } from './calibration.js';
import { runCell, type CellModel } from './cell.js';
import { gitInfo, machineInfo } from './machine.js';
import type { ResolvedBenchOptions } from './options.js';
import { bestProbe, driftReasons, startMachineProbe } from './probe.js';
import { serverSet, type ExpectedAnswer } from './servers.js';
import { seededRandom } from './shuffle.js';
import type { TrialRun } from './trial.js';
import { BASELINE_WORKLOADS, buildWorkload, type Workload, type WorkloadName } from './workloads.js';

// The run-id format lives with the schema that checks it; re-exported for the bench's tests.
export { newRunId };

/** One cell of the plan: a workload at a number of clients, and the models measured there. */
export interface PlannedCell {
  readonly workload: WorkloadName;
  readonly connections: number;
  readonly models: readonly ModelName[];
}

export interface TrialInfo {
  readonly cell: number;
  readonly cells: number;
  readonly workload: string;
  readonly connections: number;
  readonly model: ModelName;
  readonly round: number;
  readonly retry: boolean;
  /** Estimate of the run's time left, in seconds. */
  readonly secondsLeft: number;
}

export interface RunHooks {
  /** Something that takes a moment and is not a trial: calibration, a probe, starting the servers. */
  onPhase?(text: string): void;
  onTrialStart?(info: TrialInfo): void;
  onTrialEnd?(info: TrialInfo, run: TrialRun): void;
  onCellEnd?(cell: number, cells: number, cases: readonly CaseResult[]): void;
}

/** Parameters each model runs with in the bench: the threads or processes of the options. */
export function benchParams(model: ModelName, options: Pick<ResolvedBenchOptions, 'threads' | 'processes'>): Record<string, number> {
  return Object.fromEntries(CATALOGUE[model].params.map((p) => [p, options[p]]));
}

/** Every cell of the matrix, workload by workload (a workload's servers run while its cells are measured). */
export function planCells(options: Pick<ResolvedBenchOptions, 'models' | 'workloads' | 'connections'>): PlannedCell[] {
  const cells: PlannedCell[] = [];
  for (const workload of options.workloads) {
    const models = options.models.filter((m) => !CATALOGUE[m].reference || BASELINE_WORKLOADS.includes(workload));
    if (models.length === 0) continue;
    for (const connections of options.connections) cells.push({ workload, connections, models });
  }
  return cells;
}

function expectedAnswers(workload: Workload): Map<string, ExpectedAnswer> {
  const expected = new Map<string, ExpectedAnswer>();
  for (const path of workload.paths) {
    const answer = answerBlocking({ method: 'GET', url: path, servedBy: { model: 'bench', pid: process.pid, threadId: 0 } });
    const body = typeof answer.body === 'string' ? answer.body : Buffer.from(answer.body).toString('utf8');
    if (answer.status !== 200) throw new Error(`workload ${workload.name}: the application answers ${path} with ${answer.status}`);
    expected.set(path, { status: answer.status, body });
  }
  return expected;
}

function runWarnings(cpus: number): Warning[] {
  const warnings: Warning[] = [];
  if (cpus <= 2) {
    warnings.push({
      code: 'machine',
      message: `this machine has ${cpus} cores, and the load generator runs on them too: a model that uses every core competes with the client, so multi-core models gain less than they would on a separate machine`,
    });
  }
  return warnings;
}

function driftWarning(probes: readonly Probe[]): Warning | null {
  const [start, ...rest] = probes;
  if (start === undefined) return null;
  const drifted = rest.filter((p) => (p.drift?.length ?? 0) > 0 && p.confirmed !== false);
  if (drifted.length === 0) return null;
  const low = Math.min(...rest.map((p) => p.capacity));
  return {
    code: 'machine-drift',
    message: `the machine changed under the run: ${drifted.length} of ${rest.length} probes found it slower or with less parallel capacity than at the start (${start.capacity.toFixed(2)} cores of computing at the start, ${low.toFixed(2)} at the lowest); trials after those probes are marked and were retried`,
  };
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
export async function runBench(options: ResolvedBenchOptions, signal: AbortSignal, hooks: RunHooks = {}): Promise<BenchRun> {
  const t0 = performance.now();
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const resultsPath = join(options.outDir, runId, 'results.json');
  const machine = machineInfo();
  hooks.onPhase?.('calibrating CPU work');
  const calibration: Calibration = calibrate();
  const workloads = new Map(options.workloads.map((name) => [name, buildWorkload(name, calibration)]));
  const cells = planCells(options);
  const random = seededRandom(options.seed);

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
    },
    calibration,
    probes: [],
    workloads: [...workloads.values()].map((w) => ({ name: w.name, description: w.description, paths: [...w.paths] })),
    models: options.models.map((name) => ({ name, summary: CATALOGUE[name].summary, paragraph: CATALOGUE[name].paragraph, reference: CATALOGUE[name].reference })),
    warnings: runWarnings(machine.cpus),
    cases: [],
  };
  const save = (): void => {
    results.finishedAt = new Date().toISOString();
    writeResultsFile(resultsPath, results);
  };
  save();

  const machineProbe = startMachineProbe(machine.cpus);
  const probe = async (before: string): Promise<string[]> => {
    hooks.onPhase?.(`probing the machine (${before})`);
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
  const trialSpec = (w: Workload, connections: number): { paths: readonly string[]; connections: number; warmupSeconds: number; durationSeconds: number; maxDrainSeconds: number } => ({
    paths: w.paths,
    connections,
    warmupSeconds: options.warmupSeconds,
    durationSeconds: options.durationSeconds,
    maxDrainSeconds: maxDrainSeconds(options.durationSeconds),
  });
  const baseTrials = (from: number): number => cells.slice(from).reduce((acc, c) => acc + c.models.length * options.trials, 0);
  let trialsDone = 0;
  let trialSecondsTotal = 0;
  const meanTrialSeconds = (): number => (trialsDone === 0 ? options.warmupSeconds + options.durationSeconds + 0.3 : trialSecondsTotal / trialsDone);
  const elapsed = (): number => (performance.now() - t0) / 1000;

  const interrupted = (): boolean => signal.aborted;
  try {
    await probe('start');
    let index = 0;
    for (const name of options.workloads) {
      const workload = workloads.get(name);
      const workloadCells = cells.filter((c) => c.workload === name);
      if (workload === undefined || workloadCells.length === 0 || interrupted()) continue;
      const servers = serverSet(expectedAnswers(workload));
      try {
        for (const cell of workloadCells) {
          if (interrupted()) break;
          const cellIndex = index;
          index += 1;
          const marks = await probe(`${name} × ${cell.connections}`);
          const models: CellModel[] = cell.models.map((model) => ({ model, params: benchParams(model, options) }));
          let trialStarted = 0;
          let doneInCell = 0;
          const info = (model: ModelName, round: number, retry: boolean): TrialInfo => ({
            cell: cellIndex,
            cells: cells.length,
            workload: name,
            connections: cell.connections,
            model,
            round,
            retry,
            secondsLeft: Math.max(0, (baseTrials(cellIndex) - Math.min(doneInCell, cell.models.length * options.trials)) * meanTrialSeconds()),
          });
          const cases = await runCell(name, cell.connections, models, {
            servers,
            spec: trialSpec(workload, cell.connections),
            minTrials: options.trials,
            maxTrials: options.maxTrials,
            random,
            signal,
            cpus: machine.cpus,
            marks,
            reprobe: () => probe(`retries of ${name} × ${cell.connections}`),
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
        hooks.onPhase?.(`stopping the servers of ${name}`);
        const problems = await servers.stopAll();
        for (const problem of problems) results.warnings.push({ code: 'server-stop', message: problem });
      }
    }
  } finally {
    await machineProbe.close();
  }
  // Predict, then measure: theory's numbers beside each measured case, from the demands measured at 1 client.
  const predictions = predictCases(results);
  results.cases = results.cases.map((c) => {
    const p = predictions.get(c);
    return p === undefined || c.status !== 'ok' ? c : { ...c, predicted: { rps: Math.round(p.rps * 10) / 10, meanLatencyUs: Math.round(p.meanLatencyUs) } };
  });
  const drift = driftWarning(results.probes);
  if (drift !== null) results.warnings.push(drift);
  results.complete = !interrupted();
  save();
  return { results, resultsPath };
}
