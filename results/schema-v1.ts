/**
 * Version 1 of the results file (runs made before trials and intervals): kept only so that results/upgrade.ts
 * can read such a file and turn it into the current version.
 */
import { z } from 'zod';
import { isRunId, RUN_ID_EXAMPLE, type RunId } from './run-id.js';

export const SCHEMA_VERSION_1 = 1;

const nonNegative = z.number().nonnegative();

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

const CaseBase = z.object({
  model: z.string().min(1).max(100),
  modelParams: z.record(z.string().max(32), z.number()),
  workload: z.string().min(1).max(100),
  connections: z.number().int().positive(),
  repeat: z.number().int().nonnegative(),
  warnings: z.array(z.string().max(2000)).max(100),
});

export const OkCaseSchema = CaseBase.extend({
  status: z.literal('ok'),
  durationSeconds: nonNegative,
  requests: z.number().int().nonnegative(),
  rps: nonNegative,
  latencyUs: LatencySchema,
  distribution: z.array(DistributionPointSchema).max(100),
  errors: z.number().int().nonnegative(),
  timeouts: z.number().int().nonnegative(),
  non2xx: z.number().int().nonnegative(),
  serverCpuPercent: nonNegative,
  serverRssPeakBytes: nonNegative,
  serverProcesses: z.number().int().nonnegative(),
  clientCpuPercent: nonNegative,
  servedBy: z.number().int().nonnegative(),
});

export const FailedCaseSchema = CaseBase.extend({
  status: z.literal('failed'),
  error: z.string().min(1).max(2000),
});

export const CaseSchema = z.discriminatedUnion('status', [OkCaseSchema, FailedCaseSchema]);

export const ResultsSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION_1),
  // The id becomes a folder and file name: only the run-id shape, so that a file cannot choose where pages go.
  runId: z.custom<RunId>(isRunId, `must be a run id like ${RUN_ID_EXAMPLE}`),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  complete: z.boolean(),
  machine: z.object({
    cpuModel: z.string().max(200),
    cpus: z.number().int().positive(),
    memoryBytes: nonNegative,
    os: z.string().max(200),
    node: z.string().max(50),
    hostname: z.string().max(255).optional(),
  }),
  git: z.object({ commit: z.string().max(64).nullable(), dirty: z.boolean().nullable() }),
  options: z.object({
    profile: z.string().max(100),
    models: z.array(z.string().max(100)).max(100),
    workloads: z.array(z.string().max(100)).max(100),
    connections: z.array(z.number().int().positive()).max(200),
    durationSeconds: z.number().positive(),
    warmupSeconds: nonNegative,
    repeats: z.number().int().positive(),
  }),
  calibration: z.object({
    iterationsPerMs: z.number().positive(),
    samples: z.array(z.number().positive()).max(2000),
    method: z.string().max(500),
  }),
  workloads: z.array(z.object({ name: z.string().max(100), description: z.string().max(1000), paths: z.array(z.string().max(500)).max(100) })).max(100),
  models: z.array(z.object({ name: z.string().max(100), summary: z.string().max(500), paragraph: z.string().max(4000), reference: z.boolean() })).max(100),
  warnings: z.array(z.string().max(2000)).max(500),
  cases: z.array(CaseSchema).max(5000),
});

export type ResultsV1 = z.infer<typeof ResultsSchema>;
export type CaseV1 = z.infer<typeof CaseSchema>;
export const ResultsSchemaV1 = ResultsSchema;
