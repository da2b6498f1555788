/**
 * Finding a case in a run: the one place that says how a case is keyed. A closed-loop case by its model, workload and
 * number of clients; an open-loop case by its model, workload and offered rate (results/schema.ts `mode`).
 */
import type { CaseResult, OkCase } from './schema.js';

/** The closed-loop case of a model, workload and number of clients. */
export function findCase(cases: readonly CaseResult[], model: string, workload: string, connections: number): CaseResult | undefined {
  return cases.find((c) => c.mode === 'closed' && c.model === model && c.workload === workload && c.connections === connections);
}

/** The same, where it was measured (not failed). */
export function findOkCase(cases: readonly CaseResult[], model: string, workload: string, connections: number): OkCase | undefined {
  const found = findCase(cases, model, workload, connections);
  return found?.status === 'ok' ? found : undefined;
}

/** The open-loop case of a model, workload and offered rate (req/s). */
export function findOpenCase(cases: readonly CaseResult[], model: string, workload: string, rate: number): CaseResult | undefined {
  return cases.find((c) => c.mode === 'open' && c.model === model && c.workload === workload && c.targetRate === rate);
}
