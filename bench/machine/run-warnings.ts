/** What a run says of its machine as a whole: few cores, and probes that found it slower or short of its cores. */
import type { Probe, Warning } from '../../results/schema.js';
import { bestProbe, CAPACITY_DROP } from '../../results/stats/probes.js';
import { sentence } from '../../lib/lang/sentences.js';

export function runWarnings(cpus: number): Warning[] {
  const warnings: Warning[] = [];
  if (cpus <= 2) {
    warnings.push({
      code: 'machine',
      message: sentence('warn.machine', { cores: cpus }),
    });
  }
  return warnings;
}

/**
 * The run's word on the machine under it: probes that found it slower than the best before them (their cells'
 * trials were marked), and probes that found it short of its own cores (nothing before them to compare with: a
 * run that starts on a machine missing part of a core judges its later probes by that low bar). Null when neither.
 */
export function driftWarning(probes: readonly Probe[], cores: number): Warning | null {
  const [start, ...rest] = probes;
  if (start === undefined) return null;
  const drifted = rest.filter((p) => (p.drift?.length ?? 0) > 0 && p.confirmed !== false);
  const short = probes.filter((p) => p.capacity < CAPACITY_DROP * cores);
  // The first the run met is its word (a rare run meets both: the slower probes are the ones that marked trials).
  if (drifted.length > 0) {
    const low = Math.min(...rest.map((p) => p.capacity));
    const best = bestProbe(probes) ?? start;
    // As driftReasons judges it: no machine computes more than its cores.
    const bar = Math.min(best.capacity, best.parallelRates.length > 0 ? best.parallelRates.length : best.capacity);
    return { code: 'machine-drift', message: sentence('warn.drift.slower', { n: drifted.length, probes: rest.length, best: bar, low }) };
  }
  if (short.length > 0) {
    const lowest = short.reduce((a, b) => (b.capacity < a.capacity ? b : a));
    return { code: 'machine-drift', message: sentence('warn.drift.short', { n: short.length, probes: probes.length, share: Math.round(CAPACITY_DROP * 100), cores, low: lowest.capacity, before: lowest.before }) };
  }
  return null;
}

