/**
 * Load agents (--agents) on this machine: shares split in proportion and adding up; outcomes merged exactly (answers
 * and errors add up, the merged histogram's count is the sum of the agents'); timelines aligned on one clock; and a
 * run with two local agents gives the case shape of a run with one, each agent's share recorded, nothing left running.
 */
import { describe, expect, it } from 'vitest';
import { mergeClosed, mergeOpen, mergeTimelines, splitAmong, splitRate } from '../../../bench/agents/merge.js';
import { newLatencyHistogram } from '../../../bench/load/latency.js';
import type { LoadOutcome } from '../../../bench/load/closed-loop.js';
import type { OpenLoadOutcome } from '../../../bench/load/open-loop.js';
import type { LoadTimeline } from '../../../bench/load/timeline.js';
import { benchOk, expectRefusal, labServers, loadProcesses, okTrialsOf } from '../../helpers/bench-cli.js';

const timeline = (startEpochMs: number, answers: readonly number[], window: [number, number]): LoadTimeline => ({
  startEpochMs,
  sliceMs: 100,
  windowStartSeconds: window[0],
  windowEndSeconds: window[1],
  truncated: false,
  lastSliceMs: 100,
  slices: answers.map((a, i) => ({ t: i / 10, phase: 'window', answers: a, errors: 0, p50Us: 100 * (i + 1), p99Us: 1000 + startEpochMs % 7, maxUs: 2000, inFlight: 2 })),
});

function histogramOf(values: readonly number[]): ReturnType<typeof newLatencyHistogram> {
  const h = newLatencyHistogram();
  for (const v of values) h.recordValue(v);
  return h;
}

const closed = (responses: number, durationSeconds: number, latencies: readonly number[], start: number): LoadOutcome & { clientCpuMs: number } => ({
  responses,
  durationSeconds,
  histogram: histogramOf(latencies),
  censored: 1,
  drainSeconds: 0.01,
  errors: 2,
  timeouts: 1,
  non2xx: 0,
  servedBy: new Set([`${start}/0`]),
  rampSeconds: 0.01,
  unansweredAtWindow: 0,
  timeline: timeline(start, [5, 6, 7], [0, 0.3]),
  clientCpuMs: 40,
});

describe('splitting a load among agents', () => {
  it('in proportion to their weights, whole shares that add up', () => {
    expect(splitAmong(32, [1, 1])).toEqual([16, 16]);
    expect(splitAmong(33, [1, 1])).toEqual([17, 16]);
    expect(splitAmong(10, [2, 1, 1])).toEqual([5, 3, 2]);
    expect(splitAmong(1, [1, 1, 1])).toEqual([1, 0, 0]);
    expect(splitRate(200, [1, 1])).toEqual([100, 100]);
    expect(splitRate(0.5, [1, 1])).toEqual([0.25, 0.25]);
  });
});

describe('merging what agents measured', () => {
  it('closed loop: counts add up, the histogram count is the sum, throughput the sum of the rates', () => {
    const a = closed(100, 1, [100, 200, 300], 10_000);
    const b = closed(300, 1.5, [400, 500], 10_050);
    const m = mergeClosed([a, b]);
    expect(m.responses).toBe(400);
    expect(m.histogram.totalCount).toBe(a.histogram.totalCount + b.histogram.totalCount);
    expect(m.responses / m.durationSeconds).toBeCloseTo(100 / 1 + 300 / 1.5, 6);
    expect([m.errors, m.timeouts, m.censored, m.clientCpuMs]).toEqual([4, 2, 2, 80]);
    expect(m.servedBy.size).toBe(2);
    expect(m.histogram.maxValue).toBeGreaterThanOrEqual(500);
  });

  it('open loop: planned, late and dropped add up, as do the corrected and uncorrected samples', () => {
    const open = (planned: number, start: number): OpenLoadOutcome & { clientCpuMs: number } => ({ ...closed(planned - 2, 1, [100, 200], start), uncorrected: histogramOf([50]), lateness: histogramOf([1, 2]), planned, late: 1, dropped: 2, meanInflight: 1.5 });
    const m = mergeOpen([open(100, 10_000), open(100, 10_000)]);
    expect([m.planned, m.late, m.dropped]).toEqual([200, 2, 4]);
    expect(m.uncorrected.totalCount).toBe(2);
    expect(m.lateness.totalCount).toBe(4);
    expect(m.meanInflight).toBe(3);
  });

  it("timelines on one clock: slices at the same time add up; p99 the largest, max the largest; the window spans both", () => {
    // The second agent started 100 ms later: its first slice is the first one's second.
    const m = mergeTimelines([timeline(10_000, [5, 6, 7], [0.05, 0.3]), timeline(10_100, [1, 2, 3], [0.02, 0.25])]);
    expect(m.slices.map((s) => s.answers)).toEqual([5, 7, 9, 3]);
    expect(m.windowStartSeconds).toBeCloseTo(0.05);
    expect(m.windowEndSeconds).toBeCloseTo(0.35);
    expect(m.slices[1]?.p99Us).toBe(Math.max(1000 + (10_000 % 7), 1000 + (10_100 % 7)));
    expect(m.slices.map((s) => s.phase)).toEqual(['window', 'window', 'window', 'drain']);
    expect(m.slices[1]?.inFlight).toBe(4);
  });
});

describe('--agents on this machine', () => {
  it('refuses a number of agents that makes no sense, in one line, before anything starts', () => {
    expectRefusal(['--agents', '0'], '--agents');
    expectRefusal(['--agents', 'many'], '--agents');
  });

  it('two local agents: one case per model, the agents’ shares and answers recorded and adding up; nothing left running', () => {
    const before = { servers: labServers().length, loads: loadProcesses() };
    const results = benchOk(['--models', 'event-loop', '--workloads', 'io', '--connections', '32', '--duration', '1', '--trials', '2', '--max-trials', '2', '--agents', '2']);
    expect(results.options.agents?.map((a) => a.name)).toEqual(['local-1', 'local-2']);
    const trials = okTrialsOf(results, 'io');
    expect(trials.length).toBe(2);
    for (const trial of trials) {
      expect(trial.agents?.map((a) => a.share)).toEqual([16, 16]);
      // The trial's answers in the window are the agents' together.
      expect(trial.agents?.reduce((a, x) => a + x.responses, 0)).toBe(trial.requests);
      expect(trial.timeline?.answers.length).toBeGreaterThan(5);
    }
    expect(labServers().length).toBe(before.servers);
    expect(loadProcesses()).toBe(before.loads);
  }, 200_000);
});
