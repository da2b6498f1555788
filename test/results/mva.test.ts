/** The queueing solver against values computed by hand (the recursions of results/mva.ts, step by step). */
import { describe, expect, it } from 'vitest';
import { bounds, expand, solveMva } from '../../results/theory/mva.js';

const close = (a: number, b: number, digits = 4): void => {
  expect(a).toBeCloseTo(b, digits);
};

describe('mean value analysis (exact for one-server stations)', () => {
  it('two queueing stations (0.2 s and 0.1 s), no think time', () => {
    // n=1: R = 0.2 + 0.1 = 0.3, X = 3.3333, Q = (0.6667, 0.3333)
    // n=2: R1 = 0.2 × 1.6667 = 0.3333, R2 = 0.1 × 1.3333 = 0.1333, X = 2 / 0.4667 = 4.2857, Q = (1.4286, 0.5714)
    // n=3: R1 = 0.2 × 2.4286 = 0.4857, R2 = 0.1 × 1.5714 = 0.1571, X = 3 / 0.6429 = 4.6667
    const points = solveMva({ stations: [{ name: 'cpu', kind: 'queue', demand: 0.2 }, { name: 'disk', kind: 'queue', demand: 0.1 }] }, 3);
    close(points[0]?.throughput ?? 0, 3.3333);
    close(points[0]?.responseTime ?? 0, 0.3);
    close(points[1]?.throughput ?? 0, 4.2857);
    close(points[1]?.queues.cpu ?? 0, 1.4286);
    close(points[1]?.queues.disk ?? 0, 0.5714);
    close(points[2]?.throughput ?? 0, 4.6667);
    close(points[2]?.responseTime ?? 0, 0.642857);
    // Little's law at every point: N = X × R.
    for (const p of points) close(p.throughput * p.responseTime, p.clients, 9);
  });

  it('a queue and a think time of 1 s', () => {
    // n=1: R = 0.2, X = 1 / 1.2 = 0.8333, Q = 0.1667; n=2: R = 0.2 × 1.1667 = 0.2333, X = 2 / 1.2333 = 1.6216
    const points = solveMva({ stations: [{ name: 'cpu', kind: 'queue', demand: 0.2 }], thinkTime: 1 }, 2);
    close(points[0]?.throughput ?? 0, 0.8333);
    close(points[1]?.responseTime ?? 0, 0.23333);
    close(points[1]?.throughput ?? 0, 1.62162);
  });

  it('a delay station never queues: the event loop’s wait', () => {
    const points = solveMva({ stations: [{ name: 'thread', kind: 'queue', demand: 0.0001 }, { name: 'wait', kind: 'delay', demand: 0.02 }] }, 64);
    // 64 clients waiting 20 ms each on a nearly free thread: about 64 / 0.0201 requests per second.
    expect(points[63]?.throughput).toBeGreaterThan(0.95 * (64 / 0.0201));
    close(points[63]?.responseTime ?? 0, 0.0201 + 0.0001 * 63 * 0.49, 2);
  });

  it('one server holding the thread through CPU and wait: the sequential model saturates at 1 / S', () => {
    const points = solveMva({ stations: [{ name: 'thread', kind: 'queue', demand: 0.021 }] }, 16);
    close(points[15]?.throughput ?? 0, 1 / 0.021, 6);
    close(points[15]?.responseTime ?? 0, 16 * 0.021, 6);
  });

  it('splits a station of m servers as Seidmann does', () => {
    expect(expand([{ name: 'pool', kind: 'queue', demand: 0.04, servers: 2 }])).toEqual([
      { name: 'pool', kind: 'queue', demand: 0.02 },
      { name: 'pool (parallel part)', kind: 'delay', demand: 0.02 },
    ]);
    // Two threads each holding a 20 ms wait: about 2 / 0.02 = 100 requests per second once saturated.
    const points = solveMva({ stations: [{ name: 'pool', kind: 'queue', demand: 0.02, servers: 2 }] }, 64);
    close(points[63]?.throughput ?? 0, 100, 1);
    // Every request is at the pool: waiting in its queue, or in service on one of the two threads.
    close((points[63]?.queues.pool ?? 0) + (points[63]?.queues['pool (parallel part)'] ?? 0), 64, 6);
  });

  it('a station of several servers is solved exactly (load-dependent), where Seidmann only approximates', () => {
    // Two servers of 1 s, two clients: each client has a server, nobody waits: X = 2, R = 1.
    // (Seidmann: a queue of 0.5 and a delay of 0.5 gives n=2: R = 0.5 × 1.5 + 0.5 = 1.25, X = 1.6.)
    const two = solveMva({ stations: [{ name: 'pool', kind: 'queue', demand: 1, servers: 2 }] }, 2);
    close(two[0]?.throughput ?? 0, 1);
    close(two[1]?.throughput ?? 0, 2);
    close(two[1]?.responseTime ?? 0, 1);
    // 1.5 cores' worth of a 1 s demand, two clients: n=2: R = 1/1 × 1 × p(0|1) + 2/1.5 × 1 × p(1|1) = 0 + 1.3333, X = 1.5.
    const fraction = solveMva({ stations: [{ name: 'cores', kind: 'queue', demand: 1, servers: 1.5 }] }, 2);
    close(fraction[1]?.responseTime ?? 0, 1.33333);
    close(fraction[1]?.throughput ?? 0, 1.5);
    // Little's law at every point, and the capacity m / D once saturated.
    const many = solveMva({ stations: [{ name: 'client', kind: 'queue', demand: 0.001 }, { name: 'pool', kind: 'queue', demand: 0.01, servers: 2 }] }, 64);
    for (const p of many) close(p.throughput * p.responseTime, p.clients, 6);
    close(many[63]?.throughput ?? 0, 200, 1);
  });

  it('refuses nonsense', () => {
    expect(() => solveMva({ stations: [] }, 0)).toThrow(/clients/);
    expect(() => solveMva({ stations: [{ name: 'x', kind: 'queue', demand: -1 }] }, 2)).toThrow(/demand/);
  });
});

describe('asymptotic bounds', () => {
  it('meet at the knee N* = (D + Z) / D_max', () => {
    const b = bounds({ stations: [{ name: 'cpu', kind: 'queue', demand: 0.2 }, { name: 'disk', kind: 'queue', demand: 0.1 }] });
    close(b.totalDemand, 0.3);
    close(b.maxDemand, 0.2);
    expect(b.bottleneck).toBe('cpu');
    close(b.knee, 1.5);
    close(b.throughputBound(1), 3.3333);
    close(b.throughputBound(10), 5);
    close(b.responseBound(1), 0.3);
    close(b.responseBound(10), 2);
    // MVA never beats its bounds.
    for (const p of solveMva({ stations: [{ name: 'cpu', kind: 'queue', demand: 0.2 }, { name: 'disk', kind: 'queue', demand: 0.1 }] }, 20)) {
      expect(p.throughput).toBeLessThanOrEqual(b.throughputBound(p.clients) + 1e-9);
      expect(p.responseTime).toBeGreaterThanOrEqual(b.responseBound(p.clients) - 1e-9);
    }
  });
  it('counts a multi-server station by its per-server demand', () => {
    const b = bounds({ stations: [{ name: 'cores', kind: 'queue', demand: 0.004, servers: 2 }, { name: 'client', kind: 'queue', demand: 0.0015 }] });
    close(b.maxDemand, 0.002);
    expect(b.bottleneck).toBe('cores');
    close(b.throughputBound(100), 500);
  });
});
