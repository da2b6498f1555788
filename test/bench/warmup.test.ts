/** bench/run/servers.ts `steady`: a warm-up ends when the throughput is steady and no longer climbing. */
import { describe, expect, it } from 'vitest';
import { steady, WARMUP } from '../../bench/run/servers.js';

const ticks = (values: readonly number[]): { rps: number; count: number }[] => values.map((rps) => ({ rps, count: rps * (WARMUP.tickMs / 1000) }));

describe('a warm-up that settles', () => {
  it('settles on a flat throughput once it has a second of ticks', () => {
    expect(steady(ticks(Array.from({ length: 10 }, () => 10_000)))).toBe(true);
    expect(steady(ticks(Array.from({ length: 5 }, () => 10_000)))).toBe(false); // too few ticks to see a trend
  });

  it('does not settle while the throughput climbs, even when each tick is close to the last', () => {
    // +3 % a tick: every four consecutive ticks agree within ±10 %, the last half second is 16 % above the one before.
    const climbing = Array.from({ length: 12 }, (_, i) => 10_000 * 1.03 ** i);
    expect(steady(ticks(climbing))).toBe(false);
    expect(steady(ticks([...climbing, ...Array.from({ length: 10 }, () => climbing[11] ?? 0)]))).toBe(true);
  });

  it('does not settle on ticks that jump about', () => {
    expect(steady(ticks([10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 14_000, 9_000, 12_000, 8_000]))).toBe(false);
  });
});
