/**
 * The results file of a run before its first cell: what the run is, where and how it measures, and how every figure is
 * estimated. Written at once (marked incomplete) and rewritten after every cell.
 */
import { shownBroker } from '../../lib/broker-url.js';
import { writeResultsFile } from '../../results/file.js';
import { SCHEMA_VERSION, type Results } from '../../results/schema.js';
import { newRunId } from '../../results/run-id.js';
import { sentenceTexts } from '../../results/sentences.js';
import { sentencesOf } from '../../lib/lang/sentences.js';
import { CATALOGUE } from '../../servers/catalogue.js';
import type { ResolvedBenchOptions } from '../plan/options.js';
import type { AgentInfo } from '../agents/local-agents.js';
import type { Workload } from '../plan/workloads.js';
import type { Calibration } from '../machine/calibration.js';
import { gitInfo, machineInfo } from '../machine/machine-info.js';
import { autoReason } from '../machine/placement.js';
import { runWarnings } from '../machine/run-warnings.js';
import type { RemoteTarget } from '../network/remote.js';
import type { PlannedCell } from './plan-cells.js';

export interface NewResultsInput {
  readonly options: ResolvedBenchOptions;
  /** The load agents (--agents), or null: one load process. */
  readonly agents: readonly AgentInfo[] | null;
  readonly startedAt: Date;
  readonly machine: ReturnType<typeof machineInfo>;
  readonly calibration: Calibration;
  readonly cells: readonly PlannedCell[];
  readonly workloads: readonly Workload[];
  readonly remote: RemoteTarget | null;
  /** Why the bench cannot pin (taskset missing), or null. */
  readonly noPinning: string | null;
}


/** The options as the file records them: the levels held are the options' and a profile's own cells'. */
function recordedOptions({ options, cells, machine, noPinning, agents }: NewResultsInput): Results['options'] {
  return {
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
    // 0 only where the plan measures without any held.
    ...(cells.some((c) => c.hold > 0) ? { hold: [...new Set([...options.hold, ...cells.map((c) => c.hold)])].filter((h) => h > 0 || options.hold.includes(0)).sort((a, b) => a - b) } : {}),
    ...(options.workloads.includes('ws-chat') ? { members: options.members } : {}),
    ...(options.target === null ? {} : { target: options.target }),
    ...(options.network === null ? {} : { network: { ...options.network } }),
    tls: options.tls,
    newConnections: options.newConnections,
    sessions: options.sessions,
    ...(options.faults.length === 0 ? {} : { faults: options.faults.map((f) => ({ kind: f.kind, atSeconds: f.atSeconds, arg: f.arg })) }),
    ...(agents === null ? {} : { agents: agents.map((a) => ({ ...a })) }),
    ...(options.broker === null ? {} : { broker: shownBroker(options.broker) }),
    cpus: { mode: options.cpus.mode, ...(options.cpus.mode === 'spec' ? { server: options.cpus.server, client: options.cpus.client } : {}), ...(noPinning !== null ? { note: noPinning } : options.cpus.mode === 'auto' ? { note: autoReason(machine.cpus) } : {}) },
  };
}

export function newResults(input: NewResultsInput): Results {
  const { options, startedAt, machine, remote } = input;
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: newRunId(startedAt),
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    complete: false,
    machine,
    git: gitInfo(),
    options: recordedOptions(input),
    ...(remote === null ? {} : { remote: { url: remote.url, pid: remote.pid, rttMedianMs: remote.rtt.medianMs, rttMinMs: remote.rtt.minMs, rttSamples: remote.rtt.samples } }),
    // How every figure below is estimated (results/stats/stats.ts): the reader of the file need not guess.
    statistics: { throughput: 'geometric-mean', latency: 'trials-t-log', trials: 'fixed' },
    calibration: input.calibration,
    probes: [],
    workloads: input.workloads.map((w) => ({ name: w.name, description: w.description, paths: [...w.paths] })),
    models: options.models.map((name) => ({ name, summary: CATALOGUE[name].summary, paragraph: CATALOGUE[name].paragraph, reference: CATALOGUE[name].reference })),
    warnings: remote === null ? runWarnings(machine.cpus) : [],
    cases: [],
  };
}

/** Rewrites the file (atomically) with the time it was last written and the sentences it holds, in every language. */
export function saveResults(path: string, results: Results): void {
  results.finishedAt = new Date().toISOString();
  results.sentences = sentencesOf(sentenceTexts(results));
  writeResultsFile(path, results);
}
