/**
 * --fault as a user runs it: refused in one line before anything starts when it makes no sense; done inside each
 * trial's window, recorded with what it did, drawn on the trial's timeline; a fault is an experiment, so the bench
 * exits 0; nothing is left running (no server, no busy process).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH, expectRefusal, labServers, processesWith } from '../helpers/bench-cli.js';
import { readResultsFile } from '../../results/file.js';
import type { OkCase, OkTrial } from '../../results/schema.js';
import { slicesOf } from '../../results/timeline.js';

describe('faults refused before anything starts', () => {
  it.each([
    [['--fault', 'nonsense'], '--fault: "nonsense" is not <kind>@<seconds>[:<arg>]'],
    [['--fault', 'explode@1'], '--fault: unknown kind "explode"'],
    [['--duration', '2', '--fault', 'kill@2'], '--fault kill@2: 2 s is not inside the window of 2 s'],
    [['--fault', 'kill@0.1:5'], '--fault kill@0.1:5: kill takes no argument'],
    [['--fault', 'stall@0.1:0'], 'a stall lasts a whole number of milliseconds from 1 to 60000'],
    [['--fault', 'slowloris@0.1:1.5'], 'slowloris opens a whole number of connections'],
    [['--target', 'http://127.0.0.1:9', '--fault', 'kill@0.1'], '--fault kill@0.1: a server started elsewhere (--target) cannot be killed'],
    [['--fault', 'kill@0.1', '--fault', 'kill@0.1'], '--fault kill@0.1: another fault of that kind, or a kill, is already at 0.1 s'],
  ])('%j: one line, status 2, no server started', (args, message) => {
    expectRefusal(args, message);
  });
});

/** Busy processes a cpu-hog fault left behind (the hog is `node -e` with its own deadline). */
function hogsAlive(): number {
  return processesWith('while (Date.now() < end)');
}

describe('a fault inside the window', () => {
  it('kill: cluster recovers (a new process), event-loop does not; both timelines mark it; exit 0; nothing left', () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-fault-'));
    const before = labServers().length;
    const run = spawnSync(
      process.execPath,
      [BENCH, '--models', 'cluster,event-loop', '--workloads', 'io', '--connections', '16', '--duration', '1.5', '--trials', '1', '--max-trials', '1', '--fault', 'kill@0.5', '--expect', 'io.cluster.16.recovery < 2s', '--out', out],
      { encoding: 'utf8', timeout: 180_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Faults (--fault)');
    expect(run.stdout).toMatch(/event-loop \(16 clients\) lost every request after the kill at 0\.5 s \([\d,]+ attempts failed\) and did not recover: nothing restarts it/);
    const [id] = readdirSync(out).filter((d) => d.startsWith('20'));
    const results = readResultsFile(join(out, id ?? '', 'results.json'));
    const byModel = (m: string): OkCase => {
      const c = results.cases.find((x) => x.model === m && x.workload === 'io');
      if (c?.status !== 'ok') throw new Error(`${m}: no ok case`);
      return c;
    };
    const cluster = byModel('cluster');
    const eventLoop = byModel('event-loop');
    // The cluster's primary forked a new process; its throughput came back within 2 s.
    expect(cluster.faults?.[0]).toMatchObject({ kind: 'kill', atSeconds: 0.5, trials: 1, recovered: 1, serverGone: false });
    expect(cluster.faults?.[0]?.recoverySeconds).toBeLessThan(2);
    // Nothing restarts an event loop: every request after the kill failed.
    expect(eventLoop.faults?.[0]).toMatchObject({ kind: 'kill', recoverySeconds: null, recovered: 0, serverGone: true });
    expect(eventLoop.faults?.[0]?.lost).toBeGreaterThan(0);
    for (const c of [cluster, eventLoop]) {
      const trial = c.trials.find((x): x is OkTrial => x.status === 'ok');
      const fault = trial?.faults?.[0];
      const timeline = trial?.timeline;
      if (fault === undefined || timeline === undefined || fault.appliedAtSeconds === null || timeline.windowStartSeconds === null) throw new Error(`${c.model}: no fault or timeline`);
      // Done 0.5 s into the window (a timer's lateness aside), on the timeline's clock.
      expect(fault.appliedAtSeconds - timeline.windowStartSeconds).toBeGreaterThanOrEqual(0.49);
      expect(fault.appliedAtSeconds - timeline.windowStartSeconds).toBeLessThan(0.8);
      const slices = slicesOf(timeline);
      expect(slices.filter((s) => s.phase === 'window').length).toBeGreaterThanOrEqual(13);
      const killedAt = fault.appliedAtSeconds;
      const afterKill = slices.filter((s) => s.phase === 'window' && s.t > killedAt + 0.2);
      if (c.model === 'event-loop') expect(afterKill.every((s) => s.answers === 0)).toBe(true);
      else expect(afterKill.some((s) => s.answers > 0)).toBe(true);
    }
    // The recovery threshold met on the cluster (its only trial back within 2 s).
    expect(run.stdout).toMatch(/met +io\.cluster\.16\.recovery < 2s/);
    expect(labServers().length).toBe(before);
  }, 200_000);

  it('stall and cpu-hog: the stalled server answers nothing for the stall, then recovers; no busy process is left', () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-fault-'));
    const run = spawnSync(
      process.execPath,
      [BENCH, '--models', 'event-loop', '--workloads', 'io', '--connections', '8', '--duration', '2', '--trials', '1', '--max-trials', '1', '--fault', 'stall@0.4:400', '--fault', 'cpu-hog@1.2:0.3', '--out', out],
      { encoding: 'utf8', timeout: 180_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const [id] = readdirSync(out).filter((d) => d.startsWith('20'));
    const c = readResultsFile(join(out, id ?? '', 'results.json')).cases[0];
    if (c?.status !== 'ok') throw new Error('no ok case');
    const trial = c.trials.find((x): x is OkTrial => x.status === 'ok');
    const [stall, hog] = trial?.faults ?? [];
    if (trial?.timeline === undefined || stall?.appliedAtSeconds == null || hog === undefined) throw new Error('no faults recorded');
    expect(stall.target).toMatch(/^main process \d+$/);
    expect(hog.target).toMatch(/cores|any core/);
    // While stopped the server answered nothing: some slice inside the stall is empty; it came back afterwards.
    const from = stall.appliedAtSeconds;
    const inside = slicesOf(trial.timeline).filter((s) => s.t >= from + 0.05 && s.t + 0.1 <= from + 0.35);
    expect(inside.length).toBeGreaterThan(0);
    expect(inside.every((s) => s.answers === 0)).toBe(true);
    expect(stall.recoverySeconds).not.toBeNull();
    expect(stall.recoverySeconds ?? 0).toBeGreaterThanOrEqual(0.3);
    expect(hogsAlive()).toBe(0);
  }, 200_000);
});
