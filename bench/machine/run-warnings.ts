/** What a run says of its machine as a whole: few cores, and probes that found it slower or short of its cores. */
import type { Probe, Warning } from '../../results/schema.js';
import { bestProbe, CAPACITY_DROP } from '../../results/stats/probes.js';

export function runWarnings(cpus: number): Warning[] {
  const warnings: Warning[] = [];
  if (cpus <= 2) {
    warnings.push({
      code: 'machine',
      message: `this machine has ${cpus} cores, and the load generator runs on them too: a model that uses every core competes with the client, so multi-core models gain less than they would on a separate machine`,
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
  const parts: string[] = [];
  if (drifted.length > 0) {
    const low = Math.min(...rest.map((p) => p.capacity));
    const best = bestProbe(probes) ?? start;
    // As driftReasons judges it: no machine computes more than its cores.
    const bar = Math.min(best.capacity, best.parallelRates.length > 0 ? best.parallelRates.length : best.capacity);
    parts.push(`${drifted.length} of ${rest.length} probes found it slower or with less parallel capacity than the best probe before them (${bar.toFixed(2)} cores of computing at best, ${low.toFixed(2)} at the lowest); trials after those probes are marked, and retried where the time budget allowed`);
  }
  if (short.length > 0) {
    const lowest = short.reduce((a, b) => (b.capacity < a.capacity ? b : a));
    parts.push(`${short.length} of ${probes.length} probes found less than ${Math.round(CAPACITY_DROP * 100)}% of its ${cores} cores' worth of computing (${lowest.capacity.toFixed(2)} at the lowest, before ${lowest.before}): cells measured then had less machine than it has on a quiet day, every model alike (the trials are interleaved), so set them against another run with care; client-saturated cells such as hello at many clients lose the most`);
  }
  return parts.length === 0 ? null : { code: 'machine-drift', message: `the machine changed under the run: ${parts.join('; and ')}` };
}

