/** Predictions per model from demands, against values worked out by hand from the formulas in results/predict.ts. */
import { describe, expect, it } from 'vitest';
import { demandCurve, demandsFrom, fitLevels, inSample, networkFor, predictCases, predictModel, workloadCpu } from '../../results/theory/predict.js';
import { likelyCause } from '../../results/theory/prediction-check.js';
import { causeText } from '../../reports/text/causes.js';
import { buildV2Results } from '../helpers/v2-fixture.js';
import { loadFixture } from '../helpers/fixtures.js';
import type { OkCase } from '../../results/schema.js';

// An `io` request: 0.2 ms of server CPU, 0.1 ms of client CPU, 20.7 ms of waiting: 21 ms in all at 1 client.
const io = { serverCpu: 0.0002, clientCpu: 0.0001, wait: 0.0207, overheadCpu: 0.0001 };
// A `cpu` request: 2 ms of server CPU, 0.05 ms of client CPU, a little kernel time.
const cpu = { serverCpu: 0.002, clientCpu: 0.00005, wait: 0.00005, overheadCpu: 0.0001 };

const at = (p: ReturnType<typeof predictModel>, n: number) => p?.points[n - 1];

describe('demands from a 1-client case', () => {
  it('splits 1 / X into server CPU, client CPU and the rest', () => {
    // 47.6 req/s, the server tree at 0.952 % of a core, the client at 0.476 %: 0.2 ms, 0.1 ms, 20.7 ms.
    const d = demandsFrom(1 / 0.021, 0.952, 0.476, 0.0001);
    expect(d?.serverCpu).toBeCloseTo(0.0002, 6);
    expect(d?.clientCpu).toBeCloseTo(0.0001, 6);
    expect(d?.wait).toBeCloseTo(0.0207, 6);
    expect(demandsFrom(0, 1, 1, 0)).toBeNull();
  });
  it('caps the CPU at what the workload asks for, and gives the rest of 1 / X to the wait', () => {
    // 48 req/s with the server at 4 % of a core (0.83 ms a request, mostly its own ticking): known 0.1 ms.
    const d = demandsFrom(48, 4, 1, 0.0001, { serverCpu: 0.0001, clientCpu: 0.00005 });
    expect(d?.serverCpu).toBeCloseTo(0.0001, 7);
    expect(d?.clientCpu).toBeCloseTo(0.00005, 7);
    expect(d?.wait).toBeCloseTo(1 / 48 - 0.00015, 7);
  });
});

describe('the CPU a workload asks for', () => {
  it('reads the calibrated iterations of /work paths, and knows nothing of other paths', () => {
    expect(workloadCpu(['/work?cpu=12000'], 6000)).toBeCloseTo(0.002, 9);
    expect(workloadCpu(['/work?cpu=6000&io=10'], 6000)).toBeCloseTo(0.001, 9);
    expect(workloadCpu(['/work?io=20'], 6000)).toBe(0);
    expect(workloadCpu(['/'], 6000)).toBe(0);
    expect(workloadCpu(['/static/about.html'], 6000)).toBeUndefined();
  });
});

describe('predictions', () => {
  it('sequential: one thread held for the whole request, so throughput stays at 1 / 20.9 ms', () => {
    const p = predictModel({ model: 'sequential' }, io, 2, 64);
    expect(at(p, 1)?.rps).toBeCloseTo(1 / 0.021, 3);
    expect(at(p, 64)?.rps).toBeCloseTo(1 / 0.0209, 1);
    expect(at(p, 64)?.meanLatencyUs).toBeCloseTo(64 * 20_900, -3); // every client waits for the 63 others
    expect(p?.bottleneck).toBe('thread');
    expect(p?.knee).toBeCloseTo(0.021 / 0.0209, 3);
  });
  it('event-loop: waits overlap, so 16 clients get about 16 times one', () => {
    const p = predictModel({ model: 'event-loop' }, io, 2, 16);
    expect(at(p, 16)?.rps).toBeGreaterThan(0.95 * (16 / 0.021));
    expect(at(p, 16)?.rps).toBeLessThan(16 / 0.021);
  });
  it('worker-pool: two threads, each held through its wait: about 2 / 20.8 ms', () => {
    const p = predictModel({ model: 'worker-pool', threads: 2 }, io, 2, 64);
    expect(at(p, 64)?.rps).toBeCloseTo(2 / 0.0208, 0);
    expect(p?.bottleneck).toBe('pool threads');
  });
  it('cluster on cpu: two event loops would give 1 / 1 ms, but the cores shared with the client cap it', () => {
    const p = predictModel({ model: 'cluster', processes: 2 }, cpu, 2, 64);
    expect(at(p, 64)?.rps).toBeCloseTo(2 / 0.00205, 3);
    expect(at(p, 64)?.limit).toBe('cores');
    expect(at(p, 1)?.limit).toBe('model');
    expect(p?.bottleneck).toBe('cores');
    // Little's law at every point.
    for (const point of p?.points ?? []) expect((point.rps * point.meanLatencyUs) / 1e6).toBeCloseTo(point.clients, 6);
  });
  it('event-loop on cpu: one thread computes, so 1 / 2 ms whatever the clients', () => {
    const p = predictModel({ model: 'event-loop' }, cpu, 2, 64);
    expect(at(p, 64)?.rps).toBeCloseTo(500, 0);
  });
  it('has no network for a model it does not know', () => {
    expect(networkFor({ model: 'carrier-pigeon' }, io, 2)).toBeNull();
  });
});

describe('demands that change with load', () => {
  it('fits the CPU from the levels up to 8 clients, or from the first level above 1 where the run has none and a larger one remains', () => {
    expect(fitLevels([1, 16, 64])).toEqual([1, 16]);
    expect(fitLevels([64, 1, 4, 16])).toEqual([1, 4]);
    expect(fitLevels([1, 2, 4, 8, 16, 32])).toEqual([1, 2, 4, 8]);
    expect(fitLevels([1])).toEqual([1]);
    // A level of its own to check theory on stays out of the fit.
    expect(fitLevels([1, 64])).toEqual([1]);
  });

  // A real default run (1, 16 and 64 clients): at 1 client each request of `hello` pays wake-ups that load shares.
  const run = loadFixture('default-run.json');
  const hello = run.cases.filter((c): c is OkCase => c.status === 'ok' && c.mode === 'closed' && c.workload === 'hello');

  it('keeps the 1-client demands at 1 client, the loaded CPU from the fitted level on, and 1 / n between', () => {
    const curve = demandCurve(run, 'event-loop', 'hello');
    if (curve === null) throw new Error('the fixture has no 1-client hello on event-loop');
    expect(curve.levels).toEqual([1, 16]);
    for (const key of ['serverCpu', 'clientCpu', 'wait', 'overheadCpu'] as const) {
      expect(curve.at(1)[key]).toBeCloseTo(curve.alone[key], 12);
      expect(curve.at(64)[key]).toBeCloseTo(curve.loaded[key], 12);
      expect(curve.at(16)[key]).toBeCloseTo(curve.loaded[key], 12);
    }
    expect(curve.constantFrom).toBe(16);
    // Under load a request costs far less CPU than alone (the wake-ups), and waits as long as it did alone.
    expect(curve.loaded.serverCpu).toBeLessThan(0.7 * curve.alone.serverCpu);
    expect(curve.loaded.wait).toBe(curve.alone.wait);
    // At 4 clients, (1/4 − 1/16) / (1 − 1/16) = 0.2 of the 1-client extra CPU is still paid.
    expect(curve.at(4).serverCpu).toBeCloseTo(curve.loaded.serverCpu + 0.2 * (curve.alone.serverCpu - curve.loaded.serverCpu), 12);
    expect(curve.at(4).clientCpu).toBeCloseTo(curve.loaded.clientCpu + 0.2 * (curve.alone.clientCpu - curve.loaded.clientCpu), 12);
  });

  it('labels the fitted levels in-sample, and predicts every hello case it did not fit within 25 %', () => {
    const predictions = predictCases(run);
    const outside = hello.filter((c) => !inSample(run, c));
    expect(outside.map((c) => c.connections).every((n) => n === 64)).toBe(true);
    expect(outside.length).toBeGreaterThanOrEqual(4);
    expect(hello.filter((c) => inSample(run, c)).map((c) => c.connections)).toContain(16);
    for (const c of outside) {
      const p = predictions.get(c);
      expect(p, `${c.model} × ${c.connections}`).toBeDefined();
      expect(c.rps / (p?.rps ?? 1), `${c.model} × ${c.connections}`).toBeGreaterThan(0.75);
      expect(c.rps / (p?.rps ?? 1), `${c.model} × ${c.connections}`).toBeLessThan(1.25);
    }
  });
});

describe('a prediction with demands that change up to a level and stay beyond it', () => {
  it('matches solving the network at each number of clients with the demands there', () => {
    // io's demands at 1 client; from 4 clients on, half the CPU (the wake-ups shared).
    const loaded = { ...io, serverCpu: io.serverCpu / 2, clientCpu: io.clientCpu / 2, overheadCpu: io.overheadCpu / 2 };
    const demands = { at: (n: number) => (n >= 4 ? loaded : n === 1 ? io : { ...io, serverCpu: 0.75 * io.serverCpu }), constantFrom: 4 };
    for (const shape of [{ model: 'event-loop' }, { model: 'cluster', processes: 2 }, { model: 'worker-pool', threads: 2 }]) {
      const p = predictModel(shape, demands, 2, 32);
      for (const n of [1, 2, 3, 4, 9, 32]) expect(at(p, n)?.rps, `${shape.model} × ${n}`).toBeCloseTo(at(predictModel(shape, demands.at(n), 2, n), n)?.rps ?? 0, 6);
    }
  });
});

describe('the likely cause where theory and measurement part', () => {
  const results = buildV2Results();
  const c = results.cases.find((x): x is OkCase => x.status === 'ok' && x.mode === 'closed' && x.connections > 1);
  if (c === undefined) throw new Error('the fixture has no ok case beyond 1 client');
  const saturated = { ...c, clientCpuPercent: 99, warnings: [{ code: 'client-saturated' as const, message: 'm' }], trials: c.trials.map((t) => ({ ...t, marked: [] })) };

  it('a case measured above theory is not blamed on a saturated client (that would lower it)', () => {
    expect(likelyCause(results, saturated, 1.2).kind).not.toBe('client-saturation');
  });
  it('a case measured below theory with a saturated client is', () => {
    expect(likelyCause(results, saturated, -0.4)).toEqual({ kind: 'client-saturation', clientCpuPercent: 99 });
    expect(causeText(likelyCause(results, saturated, -0.4))).toBe('client saturation: the load generator used 99% of a core, so the client, not the model, set the pace');
  });
  it('a run over a link with a rate names the link, which theory leaves out', () => {
    const calm = { ...saturated, clientCpuPercent: 10, warnings: [] };
    const shaped = { ...results, options: { ...results.options, network: { namespaces: true as const, delayMs: 0, rateMbit: 1, delayBy: 'relay' as const } } };
    expect(causeText(likelyCause(shaped, calm, -0.6))).toContain("the link's rate: at most 1 Mbit/s");
    expect(likelyCause(results, calm, -0.6).kind).not.toBe('link-rate');
  });
});
