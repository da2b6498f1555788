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
  model: z.string().min(1),
  modelParams: z.record(z.string(), z.number()),
  workload: z.string().min(1),
  connections: z.number().int().positive(),
  repeat: z.number().int().nonnegative(),
  warnings: z.array(z.string()),
});

export const OkCaseSchema = CaseBase.extend({
  status: z.literal('ok'),
  durationSeconds: nonNegative,
  requests: z.number().int().nonnegative(),
  rps: nonNegative,
  latencyUs: LatencySchema,
  distribution: z.array(DistributionPointSchema),
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
  error: z.string().min(1),
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
    cpuModel: z.string(),
    cpus: z.number().int().positive(),
    memoryBytes: nonNegative,
    os: z.string(),
    node: z.string(),
    hostname: z.string().optional(),
  }),
  git: z.object({ commit: z.string().nullable(), dirty: z.boolean().nullable() }),
  options: z.object({
    profile: z.string(),
    models: z.array(z.string()),
    workloads: z.array(z.string()),
    connections: z.array(z.number().int().positive()),
    durationSeconds: z.number().positive(),
    warmupSeconds: nonNegative,
    repeats: z.number().int().positive(),
  }),
  calibration: z.object({
    iterationsPerMs: z.number().positive(),
    samples: z.array(z.number().positive()),
    method: z.string(),
  }),
  workloads: z.array(z.object({ name: z.string(), description: z.string(), paths: z.array(z.string()) })),
  models: z.array(z.object({ name: z.string(), summary: z.string(), paragraph: z.string(), reference: z.boolean() })),
  warnings: z.array(z.string()),
  cases: z.array(CaseSchema),
});

export type ResultsV1 = z.infer<typeof ResultsSchema>;
export type CaseV1 = z.infer<typeof CaseSchema>;
export const ResultsSchemaV1 = ResultsSchema;
