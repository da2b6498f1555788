/** Open-loop queueing formulas against textbook values computed by hand. */
import { describe, expect, it } from 'vitest';
import { erlangC, ggcWait, mmcWait, openModel, predictOpen, variability } from '../../results/theory/predict-open.js';
import type { Demands } from '../../results/theory/predict.js';
import { checkPredictions, DISAGREEMENT } from '../../results/theory/prediction-check.js';
import { loadFixture } from '../helpers/fixtures.js';

describe('Erlang C and the M/M/c wait', () => {
  it('matches hand-computed values', () => {
    // M/M/1: the chance to wait is ρ.
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 12);
    // M/M/2 at a = 1 (ρ = 0.5): C = a² / (a² + 2(1 − ρ)(1 + a)) = 1 / (1 + 2) = 1/3.
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // M/M/3 at a = 2: B(3, 2) = 4/19, C = B / (1 − ρ(1 − B)) = 4/9.
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 12);
    expect(erlangC(2, 0)).toBe(0);
    expect(erlangC(2, 2)).toBe(1);
  });

  it('M/M/1 waits ρS / (1 − ρ); M/M/2 at ρ = ½ waits S / 3; saturation waits forever', () => {
    expect(mmcWait(0.5, 1, 1)).toBeCloseTo(1, 12); // λ = ½, S = 1: ρ = ½
    expect(mmcWait(80, 0.01, 1)).toBeCloseTo((0.8 * 0.01) / 0.2, 12);
    expect(mmcWait(1, 1, 2)).toBeCloseTo(1 / 3, 12);
    expect(mmcWait(1, 1, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('G/G/c (Allen–Cunneen) is exactly Pollaczek–Khinchine for M/D/1, and nothing for evenly spaced fixed services', () => {
    // M/D/1: Wq = ρS / (2(1 − ρ)).
    expect(ggcWait(80, 0.01, 1, 1, 0)).toBeCloseTo((0.8 * 0.01) / (2 * 0.2), 12);
    expect(ggcWait(80, 0.01, 1, 1, 1)).toBeCloseTo(mmcWait(80, 0.01, 1), 12);
    expect(ggcWait(80, 0.01, 1, 0, 0)).toBe(0);
  });
});

describe('open-loop predictions per model', () => {
  const io: Demands = { serverCpu: 0.0003, clientCpu: 0.0002, wait: 0.02, overheadCpu: 0.0003 };

  it('sequential holds its thread through the wait: capacity 1 / (CPU + wait)', () => {
    const m = openModel({ model: 'sequential' }, io, 2, 64);
    expect(m?.capacity).toBeCloseTo(1 / 0.0203, 6);
    expect(m?.bottleneck).toBe('thread');
  });

  it('event-loop only queues for the CPU: the wait is a delay, the cores and the connections bound it', () => {
    const m = openModel({ model: 'event-loop' }, io, 2, 64);
    // The event loop alone would do 1 / 0.3 ms ≈ 3,333/s; 64 connections of 20.5 ms each allow only ≈ 3,122/s.
    expect(m?.capacity).toBeCloseTo(64 / 0.0205, 6);
    expect(m?.bottleneck).toBe('the client’s connections');
    expect(openModel({ model: 'event-loop' }, io, 2, 1024)?.bottleneck).toBe('event loop');
  });

  it('below capacity the latency is the unloaded time plus the queue; above it, a queue that grows through the window', () => {
    const m = openModel({ model: 'sequential' }, io, 2, 64);
    if (m === null) throw new Error('no model');
    const window = { warmupSeconds: 1, durationSeconds: 5 };
    const calm = predictOpen(m, 10, 0, 0, window);
    expect(calm.saturated).toBe(false);
    expect(calm.rps).toBe(10);
    expect(calm.meanLatencyUs).toBeCloseTo(20_500, 3); // evenly spaced fixed services never queue
    const poisson = predictOpen(m, 40, 1, 0, window);
    const rho = 40 * 0.0203;
    expect(poisson.meanLatencyUs).toBeCloseTo((0.0205 + (rho * 0.0203) / (2 * (1 - rho))) * 1e6, 3);
    // Twice the capacity: the queue grows by one request per request served, so a request planned t s after the
    // start waits t s more; the window's mean is taken at 1 + 5/2 = 3.5 s.
    const over = predictOpen(m, 2 * m.capacity, 0, 0, window);
    expect(over.saturated).toBe(true);
    expect(over.rps).toBeCloseTo(m.capacity, 9);
    expect(over.meanLatencyUs).toBeCloseTo((0.0205 + 3.5) * 1e6, 3);
  });

  it('the variability of a fixed time is 0, of an exponential one about 1', () => {
    expect(variability([{ percentile: 0, us: 100 }, { percentile: 100, us: 100 }])).toBe(0);
    // Quantiles of an exponential distribution of mean 1,000 µs, dense in the tail as the lab records them.
    const ps = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 98, 99, 99.5, 99.75, 99.9, 99.95, 99.99, 100];
    const points = ps.map((p) => ({ percentile: p, us: p === 100 ? 12_000 : -1000 * Math.log(1 - p / 100) }));
    const cv2 = variability(points);
    expect(cv2).toBeGreaterThan(0.8);
    expect(cv2).toBeLessThan(1.2);
    expect(variability([])).toBeNull();
  });
});

describe('theory against a real open run (test/fixtures/open-run.json)', () => {
  const results = loadFixture('open-run.json');
  const checks = checkPredictions(results).filter((k) => k.mode === 'open');

  it('checks every open case with a prediction, gives a cause exactly where they part: outside the 95 % interval, or a mean latency 15 % off', () => {
    expect(checks.length).toBe(results.cases.filter((c) => c.mode === 'open' && c.status === 'ok').length);
    for (const k of checks) {
      const c = results.cases.find((x) => x.mode === 'open' && x.model === k.model && x.workload === k.workload && x.targetRate === k.at);
      const interval = c?.status === 'ok' ? c.rpsInterval : null;
      const outside = interval === null ? Math.abs(k.rpsError) > DISAGREEMENT : k.predictedRps < interval.low || k.predictedRps > interval.high;
      const parts = outside || Math.abs(k.latencyError) > DISAGREEMENT;
      expect(k.disagrees, `${k.model} at ${k.at}`).toBe(parts);
      expect(k.cause === null, `${k.model} at ${k.at}`).toBe(!parts);
    }
  });

  it('an overloaded sequential server is predicted at its capacity, and a rate close to a capacity is named as the cause', () => {
    const seq = checks.find((k) => k.model === 'sequential' && k.at === 100);
    expect(seq?.predictedRps).toBeLessThan(50);
    expect(Math.abs(seq?.rpsError ?? 1)).toBeLessThan(0.15);
    const near = checks.filter((k) => k.disagrees && k.cause?.kind === 'near-saturation');
    // sequential at 50/s (capacity ≈ 47) and worker-pool at 100/s (capacity ≈ 93) in this run.
    expect(near.map((k) => `${k.model}@${k.at}`).sort()).toEqual(['sequential@50', 'worker-pool@100']);
  });

  it('a latency far from theory at a rate far below the capacity is not blamed on saturation', () => {
    // The event loop at 25 req/s (capacity ≈ 3,000): made 40 % slower than measured.
    const cases = results.cases.map((c) => (c.mode === 'open' && c.model === 'event-loop' && c.targetRate === 25 && c.status === 'ok' ? { ...c, latencyUs: { ...c.latencyUs, mean: c.latencyUs.mean * 1.4 } } : c));
    const k = checkPredictions({ ...results, cases }).find((x) => x.mode === 'open' && x.model === 'event-loop' && x.at === 25);
    expect(k?.disagrees).toBe(true);
    expect(k?.cause?.kind).not.toBe('near-saturation');
  });

  it('the prediction is continuous across the capacity (no dive to the unloaded time there)', () => {
    const m = openModel({ model: 'sequential' }, { serverCpu: 0.0003, clientCpu: 0.0002, wait: 0.02, overheadCpu: 0.0003 }, 2, 64);
    if (m === null) throw new Error('no model');
    const window = { warmupSeconds: 1, durationSeconds: 5 };
    const below = predictOpen(m, m.capacity * 0.999, 1, 0, window).meanLatencyUs;
    const at = predictOpen(m, m.capacity, 1, 0, window).meanLatencyUs;
    const above = predictOpen(m, m.capacity * 1.001, 1, 0, window).meanLatencyUs;
    expect(at).toBeGreaterThan(30_000); // chance alone has built a queue by then
    expect(Math.abs(below / at - 1)).toBeLessThan(0.05);
    expect(Math.abs(above / at - 1)).toBeLessThan(0.05);
  });
});
