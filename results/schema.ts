/**
 * The results file: its schema is the contract between the bench and the reports. Whoever reads a file
 * validates it here first, and refuses it with a message naming the first wrong field.
 */
import { z } from 'zod';
import { isRunId, RUN_ID_EXAMPLE, type RunId } from './run-id.js';

export const SCHEMA_VERSION = 1;

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
  schemaVersion: z.literal(SCHEMA_VERSION),
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

export type Latency = z.infer<typeof LatencySchema>;
export type DistributionPoint = z.infer<typeof DistributionPointSchema>;
export type OkCase = z.infer<typeof OkCaseSchema>;
export type FailedCase = z.infer<typeof FailedCaseSchema>;
export type CaseResult = z.infer<typeof CaseSchema>;
export type Results = z.infer<typeof ResultsSchema>;

/** Validates parsed JSON; throws one readable message naming the first wrong field. */
export function validateResults(value: unknown): Results {
  const parsed = ResultsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'the file' : issue.path.map(String).join('.');
  throw new Error(`not a valid results file: ${where}: ${issue?.message ?? 'invalid'}`);
}
