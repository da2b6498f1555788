/**
 * The machine's probe as a run uses it: before each cell (and before a cell's retries), how fast one thread computes
 * and how much all cores compute at once, kept in the results; a drop from the best probe before counts only when a
 * second probe, at once, finds it again (one probe of 80 ms can catch a hiccup).
 */
import type { Results } from '../../results/schema.js';
import { bestProbe, driftReasons } from '../../results/stats/probes.js';
import { startMachineProbe } from '../machine/probe.js';

export interface MachineProber {
  /** `before`: what the probe comes before, as the results keep it ("start", "io × 16"); `phase`: the same, in words. Returns the confirmed drift's reasons. */
  probe(before: string, phase: string): Promise<string[]>;
  close(): Promise<void>;
}

export function machineProber(results: Results, cpus: number, onPhase: (text: string) => void): MachineProber {
  const machineProbe = startMachineProbe(cpus);
  return {
    async probe(before, phase) {
      onPhase(phase);
      const reference = bestProbe(results.probes);
      const first = await machineProbe.measure(before);
      const firstDrift = reference === undefined ? [] : driftReasons(reference, first);
      if (firstDrift.length === 0) {
        results.probes.push({ ...first, drift: [] });
        return [];
      }
      const second = await machineProbe.measure(before);
      const drift = reference === undefined ? [] : driftReasons(reference, second);
      results.probes.push({ ...first, drift: firstDrift, confirmed: drift.length > 0 }, { ...second, drift });
      return drift;
    },
    close: () => machineProbe.close(),
  };
}
