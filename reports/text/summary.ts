import { axes, cell } from '../../results/stats/aggregate.js';
import { offeredUnit, rateUnit } from '../../results/workload-key.js';
import { conclusions } from '../../results/stats/conclusions.js';
import { clientsText, rankingText } from './conclusions.js';
import { faultSentences } from './faults.js';
import { formatRps, formatSpread, formatUs } from '../../lib/format.js';
import type { Results } from '../../results/schema.js';
import { relativeHalfWidth } from '../../results/stats/stats.js';
import { lostUpdatesText } from './lost-updates.js';
import { decimal, t } from '../../lib/lang/lang.js';
import { speaker } from '../../lib/lang/sentences.js';
import { findOpenCase } from '../../results/find-case.js';

function cellText(results: Results, model: string, workload: string, connections: number): string | null {
  const c = cell(results.cases, model, workload, connections);
  if (c.rps === null || c.p50 === null || c.p99 === null) return c.runs > 0 ? t('tx.sum.failed') : null;
  const spread = c.rpsInterval === null ? '' : ` ${formatSpread(relativeHalfWidth(c.rps, c.rpsInterval))}`;
  const atLeast = c.latencyLowerBound ? '≥' : '';
  return `${formatRps(c.rps)}${spread} · ${atLeast}${formatUs(c.p50)} · ${atLeast}${formatUs(c.p99)}`;
}

/** Open loop: per workload, models × offered rates, each cell "achieved req/s · p50 · p99" from the planned send times. */
function openTables(results: Results): string[] {
  const rates = results.options.rates ?? [];
  if (rates.length === 0) return [];
  const out: string[] = [];
  for (const workload of results.options.workloads) {
    const rows: string[][] = [];
    for (const model of results.options.models) {
      const cells = rates.map((rate) => {
        const c = findOpenCase(results.cases, model, workload, rate);
        if (c === undefined) return '—';
        if (c.status === 'failed') return t('tx.sum.failed');
        const atLeast = c.littlesLaw.lowerBound ? '≥' : '';
        return `${formatRps(c.rps)} · ${atLeast}${formatUs(c.latencyUs.p50)} · ${atLeast}${formatUs(c.latencyUs.p99)}`;
      });
      if (cells.every((c) => c === '—')) continue;
      rows.push([model, ...cells]);
    }
    if (rows.length === 0) continue;
    const offered = offeredUnit(workload) === 'requests' ? 'req/s' : 'msg/s';
    const header = [t('summary.model'), ...rates.map((r) => t('tx.sum.offered', { rate: decimal(String(r)), unit: offered }))];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
    out.push(t('tx.sum.openHeading', { workload, unit: t(rateUnit(workload) === 'deliveries' ? 'chart.deliveries' : 'chart.rps') }), line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '');
  }
  return out;
}

/** The session workload: each case's lost updates (a visit count that was not the client's previous + 1). */
function lostUpdateLines(results: Results, workload: string): string[] {
  const counted = results.cases.filter((c) => c.mode === 'closed' && c.workload === workload && c.status === 'ok' && c.lostUpdates !== undefined);
  if (counted.length === 0) return [];
  return [
    `  ${t('tx.sum.lostUpdates', { sessions: results.options.sessions ?? 'shared' })}`,
    ...counted.map((c) => `    ${c.model} × ${c.connections}: ${c.status === 'ok' ? lostUpdatesText(c.lostUpdates, c.requests) : ''}`),
  ];
}

/**
 * One table per workload: models × clients, each cell "req/s ±95% interval · p50 · p99" ("≥" where the latency is
 * a lower bound), then the ranking at each number of clients ("≈": no measurable difference). Pure: returns text.
 */
export function summaryTables(results: Results): string {
  const out: string[] = [];
  const all = conclusions(results);
  // The options' workloads, and each level of idle connections held (`ws-echo+hold500`) as a workload of its own; the
  // numbers of clients each was measured at (a profile's own cells leave some empty).
  for (const workload of axes(results).workloads) {
    const measured = new Set(results.cases.filter((c) => c.workload === workload && c.mode === 'closed').map((c) => c.connections));
    const connections = results.options.connections.filter((n) => measured.has(n));
    const rows: string[][] = [];
    for (const model of results.options.models) {
      const cells = connections.map((n) => cellText(results, model, workload, n));
      if (cells.every((c) => c === null)) continue;
      rows.push([model, ...cells.map((c) => c ?? '—')]);
    }
    if (rows.length === 0) continue;
    const header = [t('summary.model'), ...connections.map((c) => clientsText(c))];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
    const demandsOnly = results.options.rates !== undefined ? ` (${t('tx.sum.demandsOnly')})` : '';
    out.push(`${t('summary.heading', { workload, unit: t(rateUnit(workload) === 'requests' ? 'chart.rps' : rateUnit(workload) === 'messages' ? 'chart.messages' : 'chart.deliveries') })}${demandsOnly}`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
    for (const n of connections) {
      const ranking = rankingText(results, all, workload, n);
      if (ranking !== null && ranking.includes(' ')) out.push(`  ${t('tx.sum.ranking', { clients: clientsText(n), ranking })}`);
    }
    out.push(...lostUpdateLines(results, workload));
    out.push('');
  }
  out.push(...openTables(results));
  const say = speaker(results.sentences);
  const faults = faultSentences(results.cases, say);
  if (faults.length > 0) out.push(t('tx.sum.faults'), ...faults.map((f) => `  ${f}`), '');
  for (const c of results.cases) {
    if (c.status !== 'failed') continue;
    const where = c.targetRate === undefined ? clientsText(c.connections) : t('th.offered', { rate: decimal(String(c.targetRate)) });
    out.push(t('tx.sum.failedCase', { model: c.model, workload: c.workload, where, error: say(c.error) }));
  }
  const count = (code: string): number => results.cases.filter((c) => c.warnings.some((w) => w.code === code)).length;
  const saturated = count('client-saturated');
  if (saturated > 0) out.push(t('summary.saturated', { n: saturated }));
  const lower = results.cases.filter((c) => c.status === 'ok' && c.littlesLaw.lowerBound).length;
  if (lower > 0) out.push(t('summary.lower', { n: lower }));
  const marked = results.cases.filter((c) => c.warnings.some((w) => w.code === 'marked-trials'));
  if (marked.length > 0) {
    const retried = marked.filter((c) => c.trials.some((t) => t.retryOf !== undefined)).length;
    const how = retried === marked.length ? t('tx.sum.retriedAll') : retried === 0 ? t('tx.sum.retriedNone') : t('tx.sum.retriedSome', { retried });
    out.push(t('tx.sum.marked', { n: marked.length, how }));
  }
  const speed = results.machineSpeed;
  if (speed !== undefined) {
    const history = speed.history === undefined ? '' : t('summary.history', { low: Math.round(speed.history.low * 100) });
    out.push(t('summary.speed', { median: Math.round(speed.median * 100), low: Math.round(speed.low * 100), high: Math.round(speed.high * 100), history }));
  }
  out.push(t('summary.legend'));
  return out.join('\n');
}
