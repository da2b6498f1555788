import { formatRps, formatUs } from '../results/format.js';
import { cell } from '../results/aggregate.js';
import type { CaseResult, Results } from '../results/schema.js';

function cellText(cases: readonly CaseResult[], model: string, workload: string, connections: number): string | null {
  const c = cell(cases, model, workload, connections);
  if (c.rps === null || c.p50 === null || c.p99 === null) return c.failed.length > 0 ? 'FAILED' : null;
  const text = `${formatRps(c.rps)} · ${formatUs(c.p50)} · ${formatUs(c.p99)}`;
  return c.failed.length > 0 ? `${text} (+${c.failed.length} failed)` : text;
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
