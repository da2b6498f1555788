/**
 * What a shared machine's speed makes of a throughput. A run's cores compute at different speeds from minute to minute
 * (each core's gauge, bench/machine/core-monitor.ts: this lab's host slows a core by 40 % for tens of seconds), and a
 * figure of work that computes moves with them: a second run that meets the machine in another state measures
 * another number. The trials of one case, minutes apart from the next run's, cannot show that spread, so a case's
 * interval is widened by it: by how far its figure would move between the slowest and the fastest state the run met,
 * in proportion to how much its pace hangs on the cores (its busiest process's share of a core). A case of waits
 * (io) does not move; a client-saturated `hello` moves with the client's core.
 */
import type { OkCase, OkTrial, Results } from '../schema.js';
import { usedTrials } from './case-summary.js';
import { widened } from './stats.js';

/** A trial's speed: the mean of its cores' gauges (shares of their best), or null where it has none. */
function trialSpeed(t: OkTrial): number | null {
  // A gauge read against the best seen before it can pass 1 when the core beats its own record mid-trial: that
  // trial ran at the best the run knows, not above it.
  const speeds = (t.coreSpeeds ?? []).filter((s): s is number => s !== null && s > 0).map((s) => Math.min(1, s));
  return speeds.length === 0 ? null : speeds.reduce((a, b) => a + b, 0) / speeds.length;
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] ?? 1;

/** The run's range of machine speeds: the 5th and 95th percentiles of its trials' speeds (and their median); null without gauges. */
export function speedRange(results: Pick<Results, 'cases'>): { low: number; high: number; median: number } | null {
  const speeds = results.cases.flatMap((c) => c.trials.flatMap((t) => (t.status === 'ok' ? [trialSpeed(t)] : []))).filter((s): s is number => s !== null).sort((a, b) => a - b);
  if (speeds.length < 4) return null;
  return { low: quantile(speeds, 0.05), high: quantile(speeds, 0.95), median: quantile(speeds, 0.5) };
}

/** How much a case's pace hangs on its cores' speed: its busiest process's share of a core (0 to 1). */
export function cpuBound(c: Pick<OkCase, 'serverCpuPercent' | 'clientCpuPercent'>): number {
  return Math.min(1, Math.max(c.serverCpuPercent, c.clientCpuPercent) / 100);
}

/**
 * The case with its throughput interval widened by the run's speed range (and the factors recorded); unchanged
 * without gauges, without an interval, or for a case whose used trials have no speed.
 */
export function withMachineRange(c: OkCase, range: { low: number; high: number } | null): OkCase {
  if (range === null || c.rpsInterval === null) return c;
  const speeds = usedTrials(c.trials).used.map(trialSpeed).filter((s): s is number => s !== null);
  if (speeds.length === 0) return c;
  const own = speeds.reduce((a, b) => a + b, 0) / speeds.length;
  const beta = cpuBound(c);
  const low = (range.low / own) ** beta;
  const high = (range.high / own) ** beta;
  const round3 = (x: number): number => Math.round(x * 1000) / 1000;
  return { ...c, rpsInterval: widened(c.rps, c.rpsInterval, low, high), machineRange: { low: round3(Math.min(1, low)), high: round3(Math.max(1, high)) } };
}
