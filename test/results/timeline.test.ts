/**
 * Timelines and faults, in Node: the load's slices (closed on time, empty ones kept, phases, p99 never above the max),
 * their columns in the results file and back, what a fault did read from them, a case's faults over its trials, and
 * the results file's layout (lists of plain values on one line, the same JSON).
 */
import { describe, expect, it } from 'vitest';
import { sliceMsFor, startTimeline, MAX_SLICES } from '../../bench/load/timeline.js';
import { mergeTimeline } from '../../bench/run/timeline-merge.js';
import { slicesOf, timelineOf, type TimelineSlice } from '../../results/timeline.js';
import { faultEffect } from '../../results/stats/fault-effect.js';
import { caseFaults } from '../../results/stats/case-faults.js';
import { resultsJson } from '../../results/file.js';
import { TimelineSchema, type Trial, type TrialFault } from '../../results/schema.js';
import type { LoadStage } from '../../bench/load/load-progress.js';
import { faultSentence } from '../../reports/text/faults.js';
import { medianTrialIndex } from '../../reports/views/run/timeline-view.js';
import { setLang } from '../../lib/lang/lang.js';

describe('the load side of a timeline', () => {
  it('slices by completion time: empty slices are kept, phases follow the window, p99 never exceeds the max', () => {
    let now = 1000;
    const stage = (time: number): LoadStage => (time < 1200 ? 'warmup' : time < 1500 ? 'window' : 'drain');
    let inFlight = 3;
    const rec = startTimeline(1000, 100, stage, () => inFlight, () => now);
    now = 1010;
    rec.record(500);
    rec.record(900);
    now = 1250; // slice 1 had nothing; slice 2 is the window's first
    rec.record(100);
    inFlight = 0;
    now = 1420; // a stall: slices 2-3 close with what they had
    rec.error();
    now = 1530;
    rec.record(40);
    const tl = rec.finish({ startMs: 1200, endMs: 1500 });
    expect(tl.sliceMs).toBe(100);
    expect(tl.windowStartSeconds).toBeCloseTo(0.2);
    expect(tl.windowEndSeconds).toBeCloseTo(0.5);
    expect(tl.slices.map((s) => s.t)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(tl.slices.map((s) => s.phase)).toEqual(['warmup', 'warmup', 'window', 'window', 'window', 'drain']);
    expect(tl.slices.map((s) => s.answers)).toEqual([2, 0, 1, 0, 0, 1]);
    expect(tl.slices.map((s) => s.errors)).toEqual([0, 0, 0, 0, 1, 0]);
    // The load ended 30 ms into its last slice: that slice's rate is over 30 ms.
    expect(tl.lastSliceMs).toBe(30);
    const first = tl.slices[0];
    expect(first?.maxUs).toBeGreaterThanOrEqual(900);
    for (const s of tl.slices) expect(s.p99Us).toBeLessThanOrEqual(s.maxUs);
    expect(tl.slices[1]).toMatchObject({ p50Us: 0, p99Us: 0, maxUs: 0 });
  });

  it('slices widen only past the bound, so that a long load keeps at most MAX_SLICES', () => {
    expect(sliceMsFor(3)).toBe(100);
    expect(sliceMsFor(600)).toBe(100);
    expect(sliceMsFor(601)).toBe(200);
    expect((3600 * 1000) / sliceMsFor(3600)).toBeLessThanOrEqual(MAX_SLICES);
  });

  it("the server's CPU and memory land on the slices they were sampled in; none where nothing was sampled", () => {
    const load = { startEpochMs: 10_000, sliceMs: 100, lastSliceMs: 100, windowStartSeconds: 0, windowEndSeconds: 0.3, truncated: false, slices: [0, 0.1, 0.2, 0.3, 0.4, 0.5].map((t) => ({ t, phase: 'window' as const, answers: 1, errors: 0, p50Us: 1, p99Us: 1, maxUs: 1, inFlight: 1 })) };
    // 50 ms of CPU per 100 ms, then the server is gone after 10.25 s (no more samples): its last memory stands for
    // three slices' time (a late sample), no longer.
    const trace = [0, 100, 200, 250].map((d) => ({ epochMs: 10_000 + d, cpuMs: d / 2, rssBytes: 1000 + d }));
    const merged = slicesOf(mergeTimeline(load, trace));
    expect(merged.map((s) => s.serverCpuPercent)).toEqual([50, 50, null, null, null, null]);
    expect(merged.map((s) => s.serverRssBytes)).toEqual([1100, 1200, 1250, 1250, 1250, null]);
  });
});

const slice = (t: number, answers: number, errors = 0, phase: TimelineSlice['phase'] = 'window', maxUs = 1000): TimelineSlice => ({ t, phase, answers, errors, p50Us: 10, p99Us: maxUs, maxUs, inFlight: 1, serverCpuPercent: null, serverRssBytes: null });

describe('columns in the file, slices for readers', () => {
  it('round-trips, and the schema refuses columns of different lengths', () => {
    const slices = [slice(0, 5, 0, 'warmup'), slice(0.1, 7), slice(0.2, 3, 1, 'drain')];
    const stored = timelineOf(100, { startSeconds: 0.1, endSeconds: 0.2 }, slices);
    expect(slicesOf(stored)).toEqual(slices);
    expect(TimelineSchema.safeParse(stored).success).toBe(true);
    expect(stored.phases).toEqual([['warmup', 1], ['window', 1], ['drain', 1]]);
    expect(TimelineSchema.safeParse({ ...stored, answers: [1, 2] }).success).toBe(false);
    expect(TimelineSchema.safeParse({ ...stored, phases: [['window', 2]] }).success).toBe(false);
  });

  it('the results file keeps lists of plain values and each timeline on one line, and stays the same JSON', () => {
    const timeline = timelineOf(100, { startSeconds: 0, endSeconds: 0.1 }, [slice(0, 5)]);
    const value = { a: [1, 2, 3], b: ['x  y', 'z"]', 'timeline-0'], c: [{ d: [4, 5], timeline }], e: [], f: 'q' };
    const text = resultsJson(value as never);
    expect(text).toContain('"a": [1, 2, 3]');
    expect(text).toContain('"d": [4, 5]');
    expect(text).toContain(`"timeline": ${JSON.stringify(timeline)}`);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('what a fault did', () => {
  // 10 answers per 100 ms before; nothing for 0.3 s after the fault at 1.0 s; a burst of queued answers; back.
  const before = Array.from({ length: 10 }, (_, i) => slice(i / 10, 10));
  const stalled = [slice(1.0, 2, 1, 'window', 400_000), slice(1.1, 0), slice(1.2, 0), slice(1.3, 25), slice(1.4, 10), slice(1.5, 11)];

  it('recovery: from the fault to the first slice back within 10 % (a burst above it is not one); lost and worst from the fault on', () => {
    const e = faultEffect([...before, ...stalled], 100, 1.0, Number.POSITIVE_INFINITY, 2);
    expect(e.baselineRps).toBe(100);
    expect(e.recoverySeconds).toBeCloseTo(0.4);
    expect(e.lost).toBe(3);
    expect(e.worstUs).toBe(400_000);
  });

  it('never back: null; no slice before the fault: no baseline, no recovery', () => {
    // 0.6 s of the window after the fault without a recovery: it did not recover.
    const dead = faultEffect([...before, ...[1.0, 1.1, 1.2, 1.3, 1.4, 1.5].map((t) => slice(t, 0))], 100, 1.0);
    expect(dead.recoverySeconds).toBeNull();
    expect(dead.unseen).toBe(false);
    // 0.3 s only (the window ended): not seen, not "did not recover".
    const cut = faultEffect([...before, slice(1.0, 0), slice(1.1, 0), slice(1.2, 0)], 100, 1.0);
    expect(cut.recoverySeconds).toBeNull();
    expect(cut.unseen).toBe(true);
    const atStart = faultEffect([slice(0, 10), slice(0.1, 10)], 100, 0);
    expect(atStart.baselineRps).toBeNull();
    expect(atStart.recoverySeconds).toBeNull();
  });

  it('a slow case (5 answers a slice) is judged within its counting noise, not within 10 %', () => {
    const slow = [...Array.from({ length: 10 }, (_, i) => slice(i / 10, 5)), slice(1.0, 0), slice(1.1, 4)];
    expect(faultEffect(slow, 100, 1.0).recoverySeconds).toBeCloseTo(0.1);
  });

  const trial = (faults: TrialFault[], rps = 100): Trial => ({ round: 1, order: 0, startedAt: '2026-12-07T00:00:00.000Z', marked: [], status: 'ok', durationSeconds: 1, requests: rps, rps, latencyUs: { min: 1, mean: 1, p50: 1, p90: 1, p99: 1, p999: 1, max: 1 }, sample: rps, censored: 0, errors: 0, timeouts: 0, non2xx: 0, serverCpuPercent: 1, serverRssPeakBytes: 1, serverProcesses: 1, clientCpuPercent: 1, backgroundCpuPercent: 0, servedBy: 1, faults });
  const kill = (recoverySeconds: number | null, lost: number, serverGone = false): TrialFault => ({ kind: 'kill', atSeconds: 1, arg: 0, appliedAtSeconds: 1.01, target: 'main process 1', error: null, lost, recoverySeconds, worstUs: 5000, baselineRps: 100, serverGone });

  it("a case's fault: the middle trial's (the worse of two), recovered trials counted, null when half did not recover", () => {
    const three = caseFaults([trial([kill(0.4, 10)]), trial([kill(0.2, 30)]), trial([kill(null, 20)])]);
    expect(three?.[0]).toMatchObject({ lost: 20, recoverySeconds: 0.4, trials: 3, recovered: 2 });
    const two = caseFaults([trial([kill(0.2, 5)]), trial([kill(null, 9)])]);
    expect(two?.[0]).toMatchObject({ lost: 9, recoverySeconds: null, trials: 2, recovered: 1 });
    expect(caseFaults([trial([])])).toBeUndefined();
  });

  it('says it in a sentence, in English and in French', () => {
    const c = { model: 'cluster', connections: 16, mode: 'closed' as const };
    const recovered = { kind: 'kill' as const, atSeconds: 1, arg: 0, lost: 31, recoverySeconds: 0.4, trials: 3, recovered: 3, worstUs: 1, serverGone: false };
    setLang('en');
    expect(faultSentence(c, recovered)).toBe('cluster (16 clients) lost 31 requests after the kill at 1 s and recovered in 0.4\u00a0s');
    expect(faultSentence({ ...c, model: 'event-loop' }, { ...recovered, lost: 5000, recoverySeconds: null, recovered: 0, serverGone: true })).toBe('event-loop (16 clients) lost every request after the kill at 1 s (5,000 attempts failed) and did not recover: nothing restarts it');
    expect(faultSentence(c, { ...recovered, kind: 'stall', arg: 300, lost: 0, recoverySeconds: 0.05 })).toBe('cluster (16 clients) kept its throughput through the 300 ms stall at 1 s and lost no request');
    expect(faultSentence(c, { ...recovered, kind: 'stall', arg: 300, atSeconds: 2.9, lost: 0, recoverySeconds: null, recovered: 0, unseen: 3 })).toBe('cluster (16 clients) lost no request after the 300 ms stall at 2.9 s; the window ended too soon after it to see a recovery');
    setLang('fr');
    expect(faultSentence(c, recovered)).toBe('cluster (16 clients) a perdu 31 requêtes après le kill à 1 s et s’est rétabli en 0,4\u00a0s');
    setLang('en');
  });

  it('the median trial is the middle throughput (of an even number, the lower middle)', () => {
    expect(medianTrialIndex([{ rps: 5 }, { rps: 1 }, { rps: 3 }])).toBe(2);
    expect(medianTrialIndex([{ rps: 4 }, { rps: 1 }, { rps: 3 }, { rps: 2 }])).toBe(3);
  });
});
