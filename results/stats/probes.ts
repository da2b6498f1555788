/**
 * How a run judges its machine probes, for the bench that marks trials and the pages that show the probes: the
 * best the machine has shown, and a drop below CAPACITY_DROP of it. Defined once.
 */
import { sentence } from '../../lib/lang/sentences.js';
import type { Probe } from '../schema.js';

/** A capacity or single speed below this share of the best so far marks what follows as taken on a slower machine. */
export const CAPACITY_DROP = 0.8;

/**
 * The best the machine has shown so far in this run: the highest single-thread speed and parallel capacity of
 * any probe (a bad moment at the start must not lower the bar for the rest of the run).
 */
export function bestProbe(probes: readonly Probe[]): Probe | undefined {
  const [first, ...rest] = probes;
  if (first === undefined) return undefined;
  return rest.reduce(
    (best, p) => ({
      ...best,
      singleRate: Math.max(best.singleRate, p.singleRate),
      capacity: Math.max(best.capacity, p.capacity),
      parallelRates: total(p.parallelRates) > total(best.parallelRates) ? p.parallelRates : best.parallelRates,
    }),
    first,
  );
}

const total = (rates: readonly number[]): number => rates.reduce((a, b) => a + b, 0);

/** Why trials after this probe are not trusted, compared with the best probe so far (bestProbe); empty when fine. */
export function driftReasons(best: Probe, now: Probe): string[] {
  const reasons: string[] = [];
  // No machine computes more than its cores: a best probe above that only caught a slow single-thread moment.
  const reference = Math.min(best.capacity, best.parallelRates.length > 0 ? best.parallelRates.length : best.capacity);
  if (now.capacity < CAPACITY_DROP * reference) {
    reasons.push(sentence('drift.capacity', { now: now.capacity, best: reference }));
  }
  if (now.singleRate < CAPACITY_DROP * best.singleRate) {
    reasons.push(sentence('drift.single', { share: Math.round((now.singleRate / best.singleRate) * 100) }));
  }
  // The cores' work together, not only its ratio to one thread: a single-thread measure that caught a bad moment
  // makes the ratio look fine while every core computes less.
  const together = total(best.parallelRates);
  if (together > 0 && total(now.parallelRates) < CAPACITY_DROP * together) {
    reasons.push(sentence('drift.together', { share: Math.round((total(now.parallelRates) / together) * 100) }));
  }
  return reasons;
}
