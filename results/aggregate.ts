import type { CaseResult, OkCase, Results } from './schema.js';

/** The figures of one cell (model × workload × connections), averaged over its ok repeats. */
export interface Cell {
  readonly model: string;
  readonly workload: string;
  readonly connections: number;
  readonly runs: number;
  readonly failed: readonly string[];
  readonly warnings: readonly string[];
  readonly rps: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly mean: number | null;
  readonly max: number | null;
  readonly serverCpuPercent: number | null;
  readonly serverRssPeakBytes: number | null;
  readonly clientCpuPercent: number | null;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly servedBy: number | null;
  readonly requests: number;
  /** The distribution of the first ok repeat (percentiles are not averaged). */
  readonly distribution: OkCase['distribution'];
}

const avg = (values: readonly number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
const round = (value: number | null, digits = 1): number | null => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

export function cell(cases: readonly CaseResult[], model: string, workload: string, connections: number): Cell {
  const all = cases.filter((c) => c.model === model && c.workload === workload && c.connections === connections);
  const ok = all.filter((c): c is OkCase => c.status === 'ok');
  const pick = (f: (c: OkCase) => number): number | null => avg(ok.map(f));
  const sum = (f: (c: OkCase) => number): number => ok.reduce((acc, c) => acc + f(c), 0);
  return {
    model,
    workload,
    connections,
    runs: all.length,
    failed: all.flatMap((c) => (c.status === 'failed' ? [c.error] : [])),
    warnings: [...new Set(all.flatMap((c) => c.warnings))],
    rps: round(pick((c) => c.rps)),
    p50: round(pick((c) => c.latencyUs.p50), 0),
    p99: round(pick((c) => c.latencyUs.p99), 0),
    p999: round(pick((c) => c.latencyUs.p999), 0),
    mean: round(pick((c) => c.latencyUs.mean), 0),
    max: round(pick((c) => c.latencyUs.max), 0),
    serverCpuPercent: round(pick((c) => c.serverCpuPercent)),
    serverRssPeakBytes: round(pick((c) => c.serverRssPeakBytes), 0),
    clientCpuPercent: round(pick((c) => c.clientCpuPercent)),
    errors: sum((c) => c.errors),
    timeouts: sum((c) => c.timeouts),
    non2xx: sum((c) => c.non2xx),
    servedBy: ok.length === 0 ? null : Math.max(...ok.map((c) => c.servedBy)),
    requests: sum((c) => c.requests),
    distribution: ok[0]?.distribution ?? [],
  };
}

/** Models of the run in catalogue order, and the workloads, connections as the options list them. */
export function axes(results: Results): { models: string[]; workloads: string[]; connections: number[] } {
  const seen = (f: (c: CaseResult) => string): string[] => [...new Set(results.cases.map(f))];
  const models = [...new Set([...results.options.models, ...seen((c) => c.model)])];
  const workloads = [...new Set([...results.options.workloads, ...seen((c) => c.workload)])];
  const connections = [...new Set([...results.options.connections, ...results.cases.map((c) => c.connections)])].sort((a, b) => a - b);
  return { models, workloads, connections };
}
