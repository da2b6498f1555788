/**
 * The open loop: the paced scheduler against a clock driven by hand, the open-loop options, and the driver
 * against real servers (a model that keeps up, and one that cannot).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/plan/parse-args.js';
import { planCells } from '../../bench/run/plan-cells.js';
import { nextGap, startSchedule, type Clock } from '../../bench/load/schedule.js';
import { seededRandom } from '../../lib/random.js';
import { startOpenLoad } from '../../bench/load/open-loop.js';
import { summarize } from '../../bench/load/latency.js';
import { startServerProcess, type ServerProcess } from '../../bench/run/server-process.js';
import { validateResults } from '../../results/schema.js';
import { summarizeCase } from '../../results/stats/case-summary.js';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../helpers/fixtures.js';

/** A clock that moves only when told; timers fire in time order, `lag` ms after they are due. */
function fakeClock(lag = 0): Clock & { advanceTo(t: number): Promise<void> } {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let ids = 0;
  return {
    now: () => now,
    at: (at, fn) => {
      const id = ids++;
      timers.push({ at: at + lag, fn, id });
      return () => {
        timers = timers.filter((t) => t.id !== id);
      };
    },
    async advanceTo(t) {
      for (;;) {
        timers.sort((a, b) => a.at - b.at || a.id - b.id);
        const next = timers[0];
        if (next === undefined || next.at > t) break;
        timers.shift();
        now = Math.max(now, next.at);
        next.fn();
        // Let the promises of finished sends run (they free connections) before the next timer.
        for (let i = 0; i < 5; i++) await Promise.resolve();
      }
      now = t;
    },
  };
}

interface Sent {
  plannedAt: number;
  sentAt: number;
  waited: boolean;
}

/** A scheduler whose sends take `serviceMs` on the fake clock. */
function schedule(options: { rate: number; maxInflight: number; serviceMs: number; planUntil: number; lag?: number; arrivals?: 'constant' | 'poisson' }) {
  const clock = fakeClock(options.lag ?? 0);
  const sent: Sent[] = [];
  const s = startSchedule({
    rate: options.rate,
    arrivals: options.arrivals ?? 'constant',
    random: seededRandom(7),
    maxInflight: options.maxInflight,
    startAt: 0,
    planUntil: options.planUntil,
    clock,
    send: (plannedAt, sentAt, waited) => {
      sent.push({ plannedAt, sentAt, waited });
      return new Promise<void>((resolve) => {
        clock.at(clock.now() + options.serviceMs - (options.lag ?? 0), resolve);
      });
    },
  });
  return { clock, sent, s };
}

describe('the paced scheduler (fake clock)', () => {
  it('sends each request at its planned time, evenly spaced, when connections are free', async () => {
    const { clock, sent, s } = schedule({ rate: 100, maxInflight: 8, serviceMs: 5, planUntil: 1000 });
    await clock.advanceTo(2000);
    expect(sent).toHaveLength(100);
    sent.forEach((x, i) => {
      expect(x.plannedAt).toBeCloseTo(i * 10, 6);
      expect(x.sentAt).toBe(x.plannedAt);
      expect(x.waited).toBe(false);
    });
    expect(s.planned).toBe(100);
    expect(s.waiting()).toEqual([]);
  });

  it('a request due while every connection is busy waits for the next free one, in order, and is counted as waited', async () => {
    // One connection, 25 ms per answer, a request every 10 ms: the client falls behind by 15 ms per request.
    const { clock, sent, s } = schedule({ rate: 100, maxInflight: 1, serviceMs: 25, planUntil: 1000 });
    await clock.advanceTo(1000);
    expect(s.planned).toBe(100);
    expect(sent.length).toBe(41); // one every 25 ms, from 0 to 1,000 ms
    expect(s.waiting()).toHaveLength(59);
    expect(sent[0]?.waited).toBe(false);
    for (let i = 1; i < sent.length; i++) {
      const x = sent[i];
      expect(x?.plannedAt).toBeCloseTo(i * 10, 6); // nothing skipped: the i-th planned is the i-th sent
      expect(x?.sentAt).toBeCloseTo(i * 25, 6);
      expect(x?.waited).toBe(true);
    }
    // After the plan ends, the queue keeps going out as connections free up.
    await clock.advanceTo(3000);
    expect(sent).toHaveLength(100);
    expect(s.waiting()).toEqual([]);
  });

  it('a late timer releases every request already due at once, each with its own planned time', async () => {
    // 1,000 requests per second, timers 3.5 ms late: several are due at every wake.
    const { clock, sent } = schedule({ rate: 1000, maxInflight: 100, serviceMs: 1, planUntil: 100, lag: 3.5 });
    await clock.advanceTo(500);
    expect(sent).toHaveLength(100);
    const lateness = sent.map((x) => x.sentAt - x.plannedAt);
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lateness)).toBeGreaterThanOrEqual(3.5);
    expect(new Set(sent.map((x) => x.sentAt)).size).toBeLessThan(sent.length / 2); // batches
    expect(sent.every((x) => !x.waited)).toBe(true); // late by the timer, not for want of a connection
  });

  it('stop() sends nothing more', async () => {
    const { clock, sent, s } = schedule({ rate: 100, maxInflight: 8, serviceMs: 5, planUntil: 1000 });
    await clock.advanceTo(205);
    s.stop();
    const count = sent.length;
    await clock.advanceTo(2000);
    expect(count).toBe(21);
    expect(sent).toHaveLength(count);
  });

  it('Poisson gaps have the planned mean and vary like exponential ones; constant gaps do not vary', () => {
    const random = seededRandom(42);
    const gaps = Array.from({ length: 20_000 }, () => nextGap(200, 'poisson', random));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const variance = gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length;
    expect(mean).toBeGreaterThan(5 * 0.97);
    expect(mean).toBeLessThan(5 * 1.03);
    expect(Math.sqrt(variance) / mean).toBeGreaterThan(0.95); // exponential: coefficient of variation 1
    expect(Math.sqrt(variance) / mean).toBeLessThan(1.05);
    expect(nextGap(200, 'constant', random)).toBe(5);
  });

  it('the same seed plans the same Poisson arrivals', async () => {
    const a = schedule({ rate: 200, maxInflight: 64, serviceMs: 1, planUntil: 500, arrivals: 'poisson' });
    const b = schedule({ rate: 200, maxInflight: 64, serviceMs: 1, planUntil: 500, arrivals: 'poisson' });
    await a.clock.advanceTo(1000);
    await b.clock.advanceTo(1000);
    expect(a.sent.map((x) => x.plannedAt)).toEqual(b.sent.map((x) => x.plannedAt));
    expect(a.sent.length).toBeGreaterThan(60);
  });
});

describe('open-loop options', () => {
  it.each([
    ['0', '"0" is not a rate'],
    ['-5', '"-5" is not a rate'],
    ['abc', '"abc" is not a rate'],
    ['50,x,200', '"x" is not a rate'],
    ['50,,200', '"" is not a rate'],
    ['100,100', 'listed twice'],
    ['Infinity', 'not a rate'],
  ])('--rate %s is refused: %s', (rate, message) => {
    const command = parseBenchArgs([`--rate=${rate}`]);
    expect(command.kind).toBe('error');
    if (command.kind === 'error') {
      expect(command.message).toContain('--rate');
      expect(command.message).toContain(message);
    }
  });

  it('refuses a window that plans too few requests to measure a rate', () => {
    const command = parseBenchArgs(['--rate', '2', '--duration', '5']);
    expect(command.kind).toBe('error');
    if (command.kind === 'error') expect(command.message).toContain('too few to measure a rate');
    expect(parseBenchArgs(['--rate', '4', '--duration', '5']).kind).toBe('run');
  });

  it('refuses --rate with --connections, and --arrivals or --max-inflight without --rate', () => {
    for (const args of [['--rate', '50', '--connections', '4'], ['--arrivals', 'poisson'], ['--max-inflight', '8'], ['--rate', '50', '--arrivals', 'burst'], ['--rate', '50', '--max-inflight', '0']]) {
      expect(parseBenchArgs(args).kind, args.join(' ')).toBe('error');
    }
  });

  it('an open run plans hello and each workload at 1 client, then every rate, sorted', () => {
    const command = parseBenchArgs(['--rate', '200,50', '--workloads', 'io', '--models', 'sequential,event-loop', '--arrivals', 'poisson']);
    expect(command.kind).toBe('run');
    if (command.kind !== 'run') return;
    const o = command.options;
    expect(o.open).toEqual({ rates: [50, 200], arrivals: 'poisson', maxInflight: 64 });
    expect(o.durationSeconds).toBe(5);
    const cells = planCells(o);
    expect(cells.map((c) => [c.workload, c.connections, c.rate])).toEqual([
      ['hello', 1, undefined],
      ['io', 1, undefined],
      ['io', 64, 50],
      ['io', 64, 200],
    ]);
  });
});

describe('the open-loop driver against real servers', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('event-loop keeps up with 100 io requests per second: achieved ≈ offered, corrected ≈ uncorrected', { timeout: 30_000 }, async () => {
    server = await startServerProcess('event-loop');
    const outcome = await startOpenLoad({ url: server.url, paths: ['/work?io=20'], rate: 100, arrivals: 'constant', random: seededRandom(1), maxInflight: 64, warmupSeconds: 0.3, durationSeconds: 1.5, maxDrainSeconds: 5 }).done;
    const rps = outcome.responses / outcome.durationSeconds;
    expect(rps).toBeGreaterThan(80);
    expect(rps).toBeLessThan(120);
    expect(outcome.planned).toBe(150);
    expect(outcome.histogram.totalCount).toBe(150);
    expect(outcome.dropped + outcome.censored + outcome.late).toBe(0);
    const corrected = summarize(outcome.histogram);
    expect(corrected.p50).toBeGreaterThan(19_000);
    expect(corrected.p50).toBeLessThan(60_000);
    expect(outcome.meanInflight).toBeGreaterThan(1); // λ × R ≈ 100 × 0.021
    expect(outcome.meanInflight).toBeLessThan(6);
  });

  it('sequential cannot keep up with 100 io requests per second: the queue grows, and only the corrected latency shows it', { timeout: 60_000 }, async () => {
    server = await startServerProcess('sequential');
    // 8 connections: what a closed-loop tool with 8 clients would see is about 8 × 21 ms.
    const outcome = await startOpenLoad({ url: server.url, paths: ['/work?io=20'], rate: 100, arrivals: 'constant', random: seededRandom(1), maxInflight: 8, warmupSeconds: 0.5, durationSeconds: 1.5, maxDrainSeconds: 10 }).done;
    const rps = outcome.responses / outcome.durationSeconds;
    expect(rps).toBeLessThan(60); // its capacity is about 47 per second
    expect(outcome.late).toBeGreaterThan(50);
    expect(outcome.dropped + outcome.censored).toBe(0); // the drain waited for every planned request
    const corrected = summarize(outcome.histogram);
    const uncorrected = summarize(outcome.uncorrected);
    expect(uncorrected.p99).toBeLessThan(400_000);
    expect(corrected.p99).toBeGreaterThan(3 * uncorrected.p99);
    expect(corrected.p99).toBeGreaterThan(600_000);
  });
});

describe('open cases in the results file', () => {
  const json = JSON.parse(readFileSync(fixturePath('open-run.json'), 'utf8')) as { cases: Record<string, unknown>[] };

  it('a real open run validates, and each open case names its rate and carries both latencies and its late and dropped sends', () => {
    const results = validateResults(json);
    const open = results.cases.filter((c) => c.mode === 'open');
    expect(open.length).toBeGreaterThan(0);
    for (const c of open) {
      expect(c.targetRate).toBeGreaterThan(0);
      if (c.status === 'ok') {
        expect(c.uncorrectedLatencyUs?.p99).toBeGreaterThan(0);
        // The bench's case summary, run again on the file's trials, gives the late and dropped sends the file holds,
        // and warns of late sends exactly where there were some.
        const again = summarizeCase({
          model: c.model,
          modelParams: c.modelParams,
          workload: c.workload,
          connections: c.connections,
          trials: c.trials,
          merged: { latencyUs: c.latencyUs, distribution: c.distribution },
          cpus: results.machine.cpus,
          open: { targetRate: c.targetRate ?? 0, uncorrected: c.uncorrectedLatencyUs === undefined ? null : { latencyUs: c.uncorrectedLatencyUs, distribution: c.uncorrectedDistribution ?? [] }, lateness: c.lateness ?? null },
        });
        expect(again.status === 'ok' ? [again.late, again.dropped] : null).toEqual([c.late, c.dropped]);
        expect(again.warnings.some((w) => w.code === 'late-sends')).toBe((c.late ?? 0) > 0);
        // Corrected latency counts from the planned time, which is never after the actual send.
        expect(c.latencyUs.p50).toBeGreaterThanOrEqual(c.uncorrectedLatencyUs?.p50 ?? Infinity);
      }
    }
    // In this run, sequential at 100/s (capacity ≈ 47/s) found every connection busy and sent late: the corrected p99
    // counts that wait and is far above the uncorrected one; the event loop at 25/s kept up and sent nothing late.
    const at = (model: string, rate: number): (typeof open)[number] | undefined => open.find((c) => c.model === model && c.targetRate === rate);
    const overloaded = at('sequential', 100);
    const calm = at('event-loop', 25);
    expect(overloaded?.status === 'ok' ? overloaded.late : 0).toBeGreaterThan(100);
    expect(overloaded?.status === 'ok' ? overloaded.latencyUs.p99 / (overloaded.uncorrectedLatencyUs?.p99 ?? Infinity) : 0).toBeGreaterThan(2);
    expect(calm?.status === 'ok' ? calm.late : -1).toBe(0);
  });

  it('refuses open cases the pages could not draw: no options.rates, a rate not listed, a case twice', () => {
    const noRates = structuredClone(json) as { options: Record<string, unknown>; cases: Record<string, unknown>[] };
    noRates.options = Object.fromEntries(Object.entries(noRates.options).filter(([k]) => k !== 'rates'));
    expect(() => validateResults(noRates)).toThrow('without options.rates');
    const stray = structuredClone(json);
    const i = stray.cases.findIndex((c) => c.mode === 'open');
    const target = stray.cases[i];
    if (target === undefined) throw new Error('no open case');
    target.targetRate = 60;
    expect(() => validateResults(stray)).toThrow(`cases.${i}.targetRate`);
    const twice = structuredClone(json);
    twice.cases.push(structuredClone(twice.cases[i] ?? {}));
    expect(() => validateResults(twice)).toThrow('a second open case');
  });

  it.each(['targetRate', 'uncorrectedLatencyUs', 'late', 'dropped'])('an open case without %s is refused, naming it', (field) => {
    const copy = structuredClone(json);
    const index = copy.cases.findIndex((c) => c.mode === 'open' && c.status === 'ok');
    const target = copy.cases[index];
    if (target === undefined) throw new Error('no open case in the fixture');
    copy.cases[index] = Object.fromEntries(Object.entries(target).filter(([key]) => key !== field));
    expect(() => validateResults(copy)).toThrow(`cases.${index}.${field}`);
  });
});
