import { formatRps, formatUs } from './format.js';
import type { CaseResult, OkCase, Results } from './results-schema.js';

/** Mean over repeats of the ok cases of one cell; null when none succeeded. */
export function cellOf(cases: readonly CaseResult[], model: string, workload: string, connections: number): { ok: OkCase[]; failed: number } {
  const cell = cases.filter((c) => c.model === model && c.workload === workload && c.connections === connections);
  return { ok: cell.filter((c): c is OkCase => c.status === 'ok'), failed: cell.filter((c) => c.status === 'failed').length };
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

function cellText(cases: readonly CaseResult[], model: string, workload: string, connections: number): string | null {
  const { ok, failed } = cellOf(cases, model, workload, connections);
  if (ok.length === 0) return failed > 0 ? 'FAILED' : null;
  const text = `${formatRps(mean(ok.map((c) => c.rps)))} · ${formatUs(mean(ok.map((c) => c.latencyUs.p50)))} · ${formatUs(mean(ok.map((c) => c.latencyUs.p99)))}`;
  return failed > 0 ? `${text} (+${failed} failed)` : text;
}

/** One table per workload: models × connections, each cell "req/s · p50 · p99". Pure: returns text. */
export function summaryTables(results: Results): string {
  const out: string[] = [];
  const connections = results.options.connections;
  for (const workload of results.options.workloads) {
    const rows: string[][] = [];
    for (const model of results.options.models) {
      const cells = connections.map((c) => cellText(results.cases, model, workload, c));
      if (cells.every((c) => c === null)) continue;
      rows.push([model, ...cells.map((c) => c ?? '—')]);
    }
    if (rows.length === 0) continue;
    const header = ['model', ...connections.map((c) => `${c} client${c === 1 ? '' : 's'}`)];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
    out.push(`${workload} — req/s · p50 · p99`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '');
  }
  for (const c of results.cases) if (c.status === 'failed') out.push(`FAILED ${c.model} · ${c.workload} · ${c.connections} clients: ${c.error}`);
  const warned = results.cases.filter((c) => c.warnings.some((w) => w.includes('saturated')));
  if (warned.length > 0) out.push(`${warned.length} case(s) saturated the load generator: see the warnings in the results.`);
  return out.join('\n');
}
