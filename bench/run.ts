import { join } from 'node:path';
import { answerBlocking } from '../servers/app/answer.js';
import { CATALOGUE, type ModelName } from '../servers/catalogue.js';
import { calibrate, type Calibration } from './calibration.js';
import { runCase, type CaseSpec, type ExpectedAnswer } from './case-runner.js';
import { gitInfo, machineInfo } from './machine.js';
import type { ResolvedBenchOptions } from './options.js';
import { writeResultsFile } from '../results/file.js';
import { SCHEMA_VERSION, type CaseResult, type Results } from '../results/schema.js';
import { newRunId } from '../results/run-id.js';
import { BASELINE_WORKLOADS, buildWorkload, type Workload } from './workloads.js';

export interface RunHooks {
  onCaseStart?(index: number, total: number, spec: CaseSpec, secondsLeft: number): void;
  onCaseEnd?(index: number, total: number, result: CaseResult, secondsLeft: number): void;
}

// The run-id format lives with the schema that checks it; re-exported for the bench's tests.
export { newRunId };

/** Parameters each model runs with in the bench: the threads or processes of the options. */
export function benchParams(model: ModelName, options: Pick<ResolvedBenchOptions, 'threads' | 'processes'>): Record<string, number> {
  return Object.fromEntries(CATALOGUE[model].params.map((p) => [p, options[p]]));
}

/** Every case of the matrix, repeats outermost so that repeated cases are spread over the run. */
export function planCases(options: ResolvedBenchOptions, workloads: readonly Workload[]): CaseSpec[] {
  const cases: CaseSpec[] = [];
  for (let repeat = 1; repeat <= options.repeats; repeat++) {
    for (const workload of workloads) {
      for (const model of options.models) {
        if (CATALOGUE[model].reference && !BASELINE_WORKLOADS.includes(workload.name)) continue;
        for (const connections of options.connections) {
          cases.push({ model, modelParams: benchParams(model, options), workload, connections, repeat, durationSeconds: options.durationSeconds, warmupSeconds: options.warmupSeconds });
        }
      }
    }
  }
  return cases;
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

function runWarnings(cpus: number): string[] {
  const warnings: string[] = [];
  if (cpus <= 2) {
    warnings.push(
      `this machine has ${cpus} cores, and the load generator runs on them too: a model that uses every core competes with the client, so multi-core models gain less than they would on a separate machine`,
    );
  }
  return warnings;
}

export interface BenchRun {
  readonly results: Results;
  readonly resultsPath: string;
}

/**
 * Runs the whole matrix. The results file is rewritten (atomically) after every case, marked incomplete
 * until the end, so an interrupted run still leaves every finished case on disk.
 */
export async function runBench(options: ResolvedBenchOptions, signal: AbortSignal, hooks: RunHooks = {}): Promise<BenchRun> {
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const resultsPath = join(options.outDir, runId, 'results.json');
  const machine = machineInfo();
  const calibration: Calibration = calibrate();
  const workloads = options.workloads.map((name) => buildWorkload(name, calibration));
  const expected = new Map(workloads.map((w) => [w.name, expectedAnswers(w)]));
  const specs = planCases(options, workloads);

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
      repeats: options.repeats,
    },
    calibration,
    workloads: workloads.map((w) => ({ name: w.name, description: w.description, paths: [...w.paths] })),
    models: options.models.map((name) => ({ name, summary: CATALOGUE[name].summary, paragraph: CATALOGUE[name].paragraph, reference: CATALOGUE[name].reference })),
    warnings: runWarnings(machine.cpus),
    cases: [],
  };
  const save = (): void => {
    results.finishedAt = new Date().toISOString();
    writeResultsFile(resultsPath, results);
  };
  save();

  // Time left = cases left × (their load time + the start/check/stop overhead seen so far).
  let overheadSeconds = 1;
  const secondsLeft = (index: number): number =>
    specs.slice(index).reduce((acc, s) => acc + s.warmupSeconds + s.durationSeconds + overheadSeconds, 0);

  // A function, not a property read: the signal changes while a case runs, which narrowing cannot see.
  const interrupted = (): boolean => signal.aborted;
  for (const [index, spec] of specs.entries()) {
    if (interrupted()) break;
    hooks.onCaseStart?.(index, specs.length, spec, secondsLeft(index));
    const t0 = performance.now();
    const workloadExpected = expected.get(spec.workload.name) ?? new Map<string, ExpectedAnswer>();
    const result = await runCase(spec, { expected: workloadExpected, cpus: machine.cpus, signal });
    if (interrupted()) break; // an interrupted case is not a measurement
    const overhead = (performance.now() - t0) / 1000 - spec.warmupSeconds - spec.durationSeconds;
    overheadSeconds = index === 0 ? overhead : 0.7 * overheadSeconds + 0.3 * overhead;
    results.cases.push(result);
    save();
    hooks.onCaseEnd?.(index, specs.length, result, secondsLeft(index + 1));
  }
  results.complete = !interrupted();
  save();
  return { results, resultsPath };
}
