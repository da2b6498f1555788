/**
 * Reads a results file of any version this lab has written. Version 1 (before trials) is turned into the
 * current shape: each repeat of a case becomes a trial, its warnings become data with the code 'upgraded'
 * beside them, and no interval is claimed where there was one repeat. Anything else is refused in one line.
 */
import { sentence } from '../lib/lang/sentences.js';
import { summarizeCase } from './stats/case-summary.js';
import { ResultsSchemaV1, type CaseV1, type ResultsV1 } from './schema-v1.js';
import { firstIssue, SCHEMA_VERSION, validateResults, type Results, type Trial, type Warning } from './schema.js';

function trialOf(c: CaseV1, round: number, startedAt: string): Trial {
  const base = { round, order: 0, startedAt, marked: [] };
  if (c.status === 'failed') return { ...base, status: 'failed', error: c.error };
  return {
    ...base,
    status: 'ok',
    durationSeconds: c.durationSeconds,
    requests: c.requests,
    rps: c.rps,
    latencyUs: c.latencyUs,
    sample: c.requests,
    censored: 0,
    errors: c.errors,
    timeouts: c.timeouts,
    non2xx: c.non2xx,
    serverCpuPercent: c.serverCpuPercent,
    serverRssPeakBytes: c.serverRssPeakBytes,
    serverProcesses: c.serverProcesses,
    clientCpuPercent: c.clientCpuPercent,
    backgroundCpuPercent: 0,
    servedBy: c.servedBy,
  };
}

const upgraded = (message: string): Warning => ({ code: 'upgraded', message });

export function upgradeV1(v1: ResultsV1): Results {
  // Linear in the cases: a loop, not a spread into Math.min, and each group grows in place.
  let firstRepeat = 1;
  for (const c of v1.cases) firstRepeat = Math.min(firstRepeat, c.repeat);
  const groups = new Map<string, CaseV1[]>();
  for (const c of v1.cases) {
    const key = JSON.stringify([c.model, c.workload, c.connections]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [c]);
    else group.push(c);
  }
  const cases = [...groups.values()].map((repeats) => {
    const first = repeats[0];
    if (first === undefined) throw new Error('empty group');
    // Rounds count from 1; the old schema let repeats count from 0.
    const trials = repeats.map((c) => trialOf(c, c.repeat - firstRepeat + 1, v1.startedAt));
    const oldWarnings = [...new Set(repeats.flatMap((c) => c.warnings))].map((w) => upgraded(`(from a version-1 file) ${w}`));
    const summary = summarizeCase({ model: first.model, modelParams: first.modelParams, workload: first.workload, connections: first.connections, trials, merged: null, cpus: v1.machine.cpus });
    // The old file's own words replace what summarizeCase would say again from the same numbers.
    return { ...summary, warnings: [...summary.warnings.filter((w) => w.code === 'littles-law' || w.code === 'failed-trials'), ...oldWarnings] };
  });
  const threads = v1.cases.find((c) => c.modelParams.threads !== undefined)?.modelParams.threads ?? v1.machine.cpus;
  const processes = v1.cases.find((c) => c.modelParams.processes !== undefined)?.modelParams.processes ?? v1.machine.cpus;
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: v1.runId,
    startedAt: v1.startedAt,
    finishedAt: v1.finishedAt,
    complete: v1.complete,
    upgradedFrom: 1,
    machine: v1.machine,
    git: v1.git,
    options: {
      profile: v1.options.profile,
      models: v1.options.models,
      workloads: v1.options.workloads,
      connections: v1.options.connections,
      durationSeconds: v1.options.durationSeconds,
      warmupSeconds: v1.options.warmupSeconds,
      trials: v1.options.repeats,
      maxTrials: v1.options.repeats,
      budgetSeconds: Math.max(1, (Date.parse(v1.finishedAt) - Date.parse(v1.startedAt)) / 1000),
      threads,
      processes,
      seed: 0,
    },
    calibration: v1.calibration,
    probes: [],
    workloads: v1.workloads,
    models: v1.models,
    warnings: [
      upgraded(sentence('warn.upgraded')),
      ...v1.warnings.map((w): Warning => ({ code: 'machine', message: w })),
    ],
    cases,
  };
}

/** Any version this lab wrote, as the current version; one readable line for anything else. */
export function readAnyVersion(value: unknown): Results {
  const version = typeof value === 'object' && value !== null ? (value as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (version === SCHEMA_VERSION) return validateResults(value);
  if (version === 1) {
    const parsed = ResultsSchemaV1.safeParse(value);
    if (!parsed.success) throw new Error(`not a valid results file (version 1): ${firstIssue(parsed.error)}`);
    return validateResults(upgradeV1(parsed.data));
  }
  throw new Error(`not a results file this lab can read: schemaVersion is ${version === undefined ? 'missing' : JSON.stringify(version)} (this lab reads 1 and ${SCHEMA_VERSION})`);
}
