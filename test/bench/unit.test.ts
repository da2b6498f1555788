import { describe, expect, it } from 'vitest';
import { CALIBRATION_FILE, fastest, iterationsFor, keepGauge, keptCalibration, keptGauge, runCalibration } from '../../bench/machine/calibration.js';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatUs } from '../../lib/format.js';
import { distribution, msToUs, newLatencyHistogram, summarize } from '../../bench/load/latency.js';
import { benchHelp, parseBenchArgs } from '../../bench/plan/parse-args.js';
import { currentLang, setLang } from '../../lib/lang/lang.js';
import { sentence } from '../../lib/lang/sentences.js';
import { spoken } from '../../lib/errors.js';
import { parseServeArgs } from '../../servers/serve-options.js';
import { resolveOptions } from '../../bench/plan/options.js';
import { parseProcStat, processTree } from '../../lib/process-tree.js';
import { PROFILES } from '../../bench/plan/profiles.js';
import type { Results } from '../../results/schema.js';
import { readAnyVersion } from '../../results/upgrade.js';
import { maxDrainSeconds } from '../../bench/run/run.js';
import { planCells } from '../../bench/run/plan-cells.js';
import { newRunId } from '../../results/run-id.js';
import { cpuBetween } from '../../bench/machine/sampler.js';
import { summaryTables } from '../../reports/text/summary.js';
import { progressBar } from '../../bench/run/progress.js';
import { buildWorkload, WORKLOAD_NAMES } from '../../bench/plan/workloads.js';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../helpers/fixtures.js';

describe('latency statistics', () => {
  it('summarises an HDR histogram with exact percentiles', () => {
    const h = newLatencyHistogram();
    for (let us = 1; us <= 100; us++) h.recordValue(us);
    expect(summarize(h)).toEqual({ min: 1, mean: 50.5, p50: 50, p90: 90, p99: 99, p999: 100, max: 100 });
  });
  it('keeps microseconds: fast answers are not rounded to whole milliseconds', () => {
    const h = newLatencyHistogram();
    for (const ms of [0.137, 0.142, 0.251, 1.5]) h.recordValue(msToUs(ms));
    expect(summarize(h)).toMatchObject({ min: 137, p50: 142, max: 1500 });
  });
  it('an empty histogram summarises to zeros and an empty distribution', () => {
    expect(summarize(newLatencyHistogram()).p99).toBe(0);
    expect(distribution(newLatencyHistogram())).toEqual([]);
  });
  it('draws the distribution from 0 to 100 percent, non-decreasing', () => {
    const h = newLatencyHistogram();
    for (let us = 1; us <= 1000; us++) h.recordValue(us);
    const points = distribution(h);
    expect(points[0]).toEqual({ percentile: 0, us: 1 });
    expect(points.at(-1)).toEqual({ percentile: 100, us: 1000 });
    for (let i = 1; i < points.length; i++) expect(points[i]?.us).toBeGreaterThanOrEqual(points[i - 1]?.us ?? 0);
  });
  it('converts fractional milliseconds to whole microseconds, at least 1', () => {
    expect(msToUs(0.1234)).toBe(123);
    expect(msToUs(0)).toBe(1);
    expect(msToUs(20.5)).toBe(20_500);
  });
  it('formats latencies with their unit', () => {
    expect(formatUs(850)).toBe('850 µs');
    expect(formatUs(2_345)).toBe('2.35 ms');
    expect(formatUs(21_400)).toBe('21.4 ms');
    expect(formatUs(1_300_000)).toBe('1.30 s');
  });
});

describe('calibration', () => {
  it('takes the speed of a machine that nothing slows: the 90th percentile of its samples, not one outlier', () => {
    // A shared machine is slowed now and then, never sped up: slow samples are the host's, the fast ones its own.
    expect(fastest([3000, 5000, 5100, 3100, 5050, 4990, 3050, 5020, 5080, 5060])).toBe(5080);
    expect(fastest([4000])).toBe(4000);
    expect(fastest([1, 2, 3, 4, 5, 6, 7, 8, 9, 100])).toBe(9);
  });
  it('turns milliseconds into iterations', () => {
    expect(iterationsFor(2, { iterationsPerMs: 5000 })).toBe(10_000);
    expect(buildWorkload('cpu', { iterationsPerMs: 5000 }).paths).toEqual(['/work?cpu=10000']);
    expect(buildWorkload('mixed', { iterationsPerMs: 2000 }).paths).toEqual(['/work?cpu=2000&io=10']);
  });
});

describe('options', () => {
  it('npm run bench alone runs the default profile: every model and workload at 1, 16, 64 clients, 4 trials (a fifth where one was marked)', () => {
    const options = resolveOptions({});
    expect(options.profile).toBe('default');
    expect(options.models).toEqual(['sequential', 'event-loop', 'worker-pool', 'cluster', 'baseline']);
    // Every workload but session, which is run on demand (--workloads session) and would only lengthen the run.
    expect(options.workloads).toEqual(WORKLOAD_NAMES.filter((w) => w !== 'session' && !w.startsWith('ws-')));
    expect(options.connections).toEqual([1, 16, 64]);
    expect(options).toMatchObject({ trials: 4, maxTrials: 5 });
    expect(options.budgetSeconds).toBeLessThanOrEqual(300);
  });
  it('explicit options override the profile', () => {
    const options = resolveOptions({ profile: 'full', models: 'cluster,event-loop', connections: '16,4', duration: '0.5', warmup: '0', trials: '2', maxTrials: '4', budget: '90', seed: '7' });
    expect(options).toMatchObject({ profile: 'full', models: ['cluster', 'event-loop'], connections: [4, 16], durationSeconds: 0.5, warmupSeconds: 0, trials: 2, maxTrials: 4, budgetSeconds: 90, seed: 7 });
    expect(options.workloads).toEqual(PROFILES.full.workloads);
  });
  it('raises the cap to the minimum of trials asked, and refuses a cap below it', () => {
    expect(resolveOptions({ trials: '8' }).maxTrials).toBe(8);
    expect(parseBenchArgs(['--trials', '5', '--max-trials', '3'])).toMatchObject({ kind: 'error', message: '--max-trials (3) must be at least --trials (5)' });
  });
  it.each([
    [['--models', 'threaded'], "--models: unknown model 'threaded'"],
    [['--workloads', 'hello,disk'], "--workloads: unknown workload 'disk'"],
    [['--connections', '0'], '--connections: "0" is not a whole number from 1'],
    [['--connections', '4,-1'], '--connections: "-1"'],
    [['--connections', '4,,8'], '--connections: ""'],
    [['--duration', '0'], '--duration must be a number of seconds, above 0'],
    [['--duration', 'abc'], '--duration must be'],
    [['--warmup', '-1'], "option '--warmup' needs a value"],
    [['--trials', '0'], '--trials must be a whole number from 1 to 100'],
    [['--repeats', '2'], "unknown option '--repeats'"],
    [['--budget', '0'], '--budget must be a number of seconds'],
    [['--seed', '-3'], "option '--seed' needs a value"],
    [['--profile', 'huge'], "--profile: unknown profile 'huge'"],
    [['--models', 'cluster,cluster'], "'cluster' is listed twice"],
    [['--bogus'], "unknown option '--bogus'"],
    [['extra'], "unexpected argument 'extra'"],
    [['--models', 'baseline', '--workloads', 'cpu'], 'nothing to run'],
    [['--threads', '0'], '--threads must be a whole number from 1 to 2048'],
    [['--processes', '300'], '--processes must be a whole number from 1 to 256'],
    [['--processes', 'many'], '--processes must be a whole number'],
  ])('refuses %j', (args, message) => {
    const command = parseBenchArgs(args);
    expect(command.kind).toBe('error');
    if (command.kind === 'error') expect(command.message).toContain(message);
  });
});

describe('planning', () => {
  it('plans cells workload by workload, the baseline on hello only', () => {
    const cells = planCells(resolveOptions({}));
    expect(cells).toHaveLength(6 * 3);
    expect(cells.map((c) => c.workload).slice(0, 4)).toEqual(['hello', 'hello', 'hello', 'cpu']);
    expect(cells.filter((c) => c.models.includes('baseline')).map((c) => c.workload)).toEqual(['hello', 'hello', 'hello']);
    expect(cells.find((c) => c.workload === 'io')?.models).toEqual(['sequential', 'event-loop', 'worker-pool', 'cluster']);
  });
  it('gives each trial time to drain: at least 5 s, or four windows', () => {
    expect(maxDrainSeconds(0.5)).toBe(5);
    expect(maxDrainSeconds(2)).toBe(8);
  });
  it('makes sortable run ids', () => {
    expect(newRunId(new Date('2026-11-27T21:52:02.123Z'))).toMatch(/^2026-11-27T21-52-02Z-[0-9a-f]{4}$/);
  });
});

describe('progress', () => {
  it('draws a bar of the run done so far', () => {
    expect(progressBar(0, 10)).toBe(`[${'-'.repeat(20)}]`);
    expect(progressBar(5, 10)).toBe(`[${'#'.repeat(10)}${'-'.repeat(10)}]`);
    expect(progressBar(10, 10)).toBe(`[${'#'.repeat(20)}]`);
  });
});

describe('process sampling', () => {
  it('parses /proc/<pid>/stat, even with spaces and parentheses in the name', () => {
    // utime 150, stime 50, cutime 30, cstime 10 ticks: the process and its reaped children, 2,400 ms.
    const fields = ['S', '10', '42', '42', '0', '-1', '0', '0', '0', '0', '0', '150', '50', '30', '10', '20', '0', '1', '0', '100', '123456', '1000'];
    expect(parseProcStat(77, `77 (node (x) y) ${fields.join(' ')}`)).toEqual({ pid: 77, ppid: 10, pgid: 42, cpuMs: 2400, rssBytes: 1000 * 4096 });
  });
  it('finds a whole process tree', () => {
    const p = (pid: number, ppid: number) => ({ pid, ppid, pgid: 1, cpuMs: 0, rssBytes: 0 });
    const tree = processTree(2, [p(1, 0), p(2, 1), p(3, 2), p(4, 3), p(5, 1)]);
    expect(tree.map((x) => x.pid).sort()).toEqual([2, 3, 4]);
  });
  it('counts CPU between snapshots, a newborn process from its start', () => {
    const p = (pid: number, cpuMs: number) => ({ pid, ppid: 1, pgid: 1, cpuMs, rssBytes: 0 });
    expect(cpuBetween([p(1, 100), p(2, 50)], [p(1, 300), p(2, 60), p(3, 40)])).toBe(200 + 10 + 40);
  });
  it('counts a child that ended in between once: its time moved into its parent’s, less what it had used before', () => {
    const p = (pid: number, cpuMs: number) => ({ pid, ppid: 1, pgid: 1, cpuMs, rssBytes: 0 });
    // The child (2) had used 50 ms, then 30 more, and was reaped: the parent (1) went from 100 to 100 + 20 + 80.
    expect(cpuBetween([p(1, 100), p(2, 50)], [p(1, 200)])).toBe(20 + 30);
  });
});

describe('summary', () => {
  const v1 = (): Results => readAnyVersion(JSON.parse(readFileSync(fixturePath('run-a.json'), 'utf8')));
  it('summarises a run as one table per workload, with the spread and the ranking', () => {
    const text = summaryTables(v1());
    expect(text).toContain('hello — req/s ±95% · p50 · p99');
    expect(text).toContain('io — req/s ±95% · p50 · p99');
    expect(text).toMatch(/^event-loop +[\d,.]+ · /m);
    expect(text).toContain('FAILED');
    expect(text).toContain('"≈": no measurable difference');
  });
  it('marks a latency that is a lower bound with ≥', () => {
    const results = v1();
    const target = results.cases.find((c) => c.status === 'ok');
    if (target?.status !== 'ok') throw new Error('fixture without an ok case');
    const lowered = { ...results, cases: results.cases.map((c) => (c === target ? { ...target, littlesLaw: { ...target.littlesLaw, lowerBound: true } } : c)) };
    expect(summaryTables(lowered)).toMatch(/≥[\d.]+ (µs|ms|s) · ≥/);
    expect(summaryTables(lowered)).toContain('lower bound (≥): some waiting was not seen');
  });
});


describe('the calibration a machine keeps', () => {
  const machine = { cpuModel: 'Test CPU', cpus: 2, node: 'v20.0.0' };
  it('is measured and kept by the first run, reused by the next ones on the same machine, measured afresh when told or elsewhere', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-cal-'));
    const first = await runCalibration(out, machine, false, new Date('2026-11-28T06:00:00Z'));
    expect(first.method).toContain('90th percentile');
    // The catalogue's text states the samples and their iterations (cal.method.measured): they stay in step.
    expect(first.method).toContain(`of ${first.samples.length} runs of 50000 PBKDF2-SHA256 iterations`);
    expect(existsSync(join(out, CALIBRATION_FILE))).toBe(true);
    const second = await runCalibration(out, machine, false);
    expect(second.iterationsPerMs).toBe(first.iterationsPerMs);
    expect(second.method).toContain('kept from the first run on this machine (2026-11-28T06:00:00.000Z)');
    // Another machine (or Node.js) in the same folder does not reuse it.
    expect(keptCalibration(out, { ...machine, node: 'v22.0.0' })).toBeNull();
    expect(keptCalibration(out, { ...machine, cpus: 4 })).toBeNull();
    // --recalibrate measures afresh and keeps the new one.
    writeFileSync(join(out, CALIBRATION_FILE), JSON.stringify({ machine, at: 'then', iterationsPerMs: 1, samples: [1] }));
    expect((await runCalibration(out, machine, false)).iterationsPerMs).toBe(1);
    const fresh = await runCalibration(out, machine, true);
    expect(fresh.iterationsPerMs).toBeGreaterThan(1);
    expect(keptCalibration(out, machine)?.iterationsPerMs).toBe(fresh.iterationsPerMs);
    // A damaged file is measured over.
    writeFileSync(join(out, CALIBRATION_FILE), '{ not json');
    expect((await runCalibration(out, machine, false)).method).toContain('90th percentile');
  });
});

describe('what the core gauges have seen on a machine', () => {
  const machine = { cpuModel: 'Test CPU', cpus: 2, node: 'v20.0.0' };
  const kept = (out: string): void => {
    writeFileSync(join(out, CALIBRATION_FILE), JSON.stringify({ machine, at: 'then', iterationsPerMs: 5000, samples: [5000] }));
  };
  it('keeps the best rate and the slowest state across runs, beside the calibration and without touching it', () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-gauge-'));
    kept(out);
    expect(keptGauge(out, machine)).toBeNull();
    keepGauge(out, machine, { best: 5000, low: 0.9 });
    expect(keptGauge(out, machine)).toEqual({ best: 5000, low: 0.9, runs: 1 });
    // A run in a slow state: its shares were of the best it knew (5,000), its low is lower.
    keepGauge(out, machine, { best: 5000, low: 0.6 });
    expect(keptGauge(out, machine)).toEqual({ best: 5000, low: 0.6, runs: 2 });
    // A run that met a faster best: the best rises, the slowest state seen so far stays.
    keepGauge(out, machine, { best: 5500, low: 0.8 });
    expect(keptGauge(out, machine)).toEqual({ best: 5500, low: 0.6, runs: 3 });
    expect(keptCalibration(out, machine)?.iterationsPerMs).toBe(5000);
    // Another machine does not read it; no calibration, nothing is kept.
    expect(keptGauge(out, { ...machine, cpus: 4 })).toBeNull();
    const empty = mkdtempSync(join(tmpdir(), 'lab-gauge-'));
    keepGauge(empty, machine, { best: 5000, low: 0.9 });
    expect(existsSync(join(empty, CALIBRATION_FILE))).toBe(false);
  });
  it('rescales an earlier best: a run whose low was a share of a lower best is lower against the new one', () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-gauge-'));
    kept(out);
    keepGauge(out, machine, { best: 5000, low: 1 });
    // This run knew 4,000 as its best (the history was not read), and met 0.9 of it: 3,600 of 5,000 = 0.72.
    keepGauge(out, machine, { best: 4000, low: 0.9 });
    expect(keptGauge(out, machine)).toEqual({ best: 5000, low: 0.72, runs: 2 });
  });
});

describe('combinations that make no sense', () => {
  it.each([
    [['--netns', '--tls'], '--tls does not go with --netns'],
    [['--target', 'http://127.0.0.1:8089', '--tls'], '--tls does not go with --target'],
    [['--target', 'http://127.0.0.1:8089', '--sessions', 'local'], '--sessions does not go with --target'],
  ])('%j is refused in one line', (args, message) => {
    const command = parseBenchArgs(args);
    expect(command.kind).toBe('error');
    if (command.kind === 'error') expect(command.message).toContain(message);
  });
});

describe('the language of option errors', () => {
  const english = { LANG: 'en_US.UTF-8' };
  const french = { LANG: 'fr_FR.UTF-8' };
  const messageOf = (command: ReturnType<typeof parseBenchArgs>): string => (command.kind === 'error' ? command.message : `not an error: ${command.kind}`);
  it('is French with --lang fr, or with LANG=fr_FR.UTF-8 and no --lang, before any other option is checked', () => {
    const fr = '--connections : "abc" n’est pas un nombre entier de 1 à 10000';
    expect(messageOf(parseBenchArgs(['--connections', 'abc', '--lang', 'fr'], english))).toBe(fr);
    expect(messageOf(parseBenchArgs(['--lang=fr', '--connections', 'abc'], english))).toBe(fr);
    expect(messageOf(parseBenchArgs(['--connections', 'abc'], french))).toBe(fr);
    expect(messageOf(parseBenchArgs(['--bogus'], french))).toBe('option inconnue « --bogus »');
    expect(parseBenchArgs(['--trials', '2'], french)).toMatchObject({ kind: 'run', lang: 'fr', options: { lang: 'fr' } });
  });
  it('is English otherwise, and --lang en wins over LANG', () => {
    const en = '--connections: "abc" is not a whole number from 1 to 10000';
    expect(messageOf(parseBenchArgs(['--connections', 'abc'], english))).toBe(en);
    expect(messageOf(parseBenchArgs(['--connections', 'abc'], {}))).toBe(en);
    expect(messageOf(parseBenchArgs(['--lang', 'en', '--connections', 'abc'], french))).toBe(en);
  });
  it('a --lang that is neither is said in LANG’s language, first; parsing leaves the process’s language as it was', () => {
    expect(messageOf(parseBenchArgs(['--lang', 'de', '--trials', '0'], english))).toBe('--lang must be en or fr, got "de"');
    expect(messageOf(parseBenchArgs(['--lang', 'de'], french))).toBe('--lang doit valoir en ou fr, et non "de"');
    expect(currentLang()).toBe('en');
  });
  it('serve reads its language first too', () => {
    const command = parseServeArgs(['--lang', 'fr', 'threaded'], english);
    expect(command).toMatchObject({ kind: 'error', lang: 'fr' });
    expect(command.kind === 'error' ? command.message : '').toMatch(/^modèle inconnu « threaded » : choisissez parmi /);
    expect(parseServeArgs(['threaded'], english)).toMatchObject({ kind: 'error', lang: 'en', message: expect.stringMatching(/^unknown model 'threaded'/) as unknown });
  });
  it('a failure reason stays English where it is kept, and is said in the terminal’s language, a reason within a reason too', () => {
    const inner = sentence('err.wsNoAnswer', { path: '/ws/echo', seconds: 12 });
    const outer = sentence('err.holding', { n: 200, why: inner });
    expect(outer).toBe('holding 200 idle connections: /ws/echo: no answer within 12 s');
    setLang('fr');
    try {
      expect(spoken(outer)).toBe('en maintenant 200 connexions inactives : /ws/echo : pas de réponse en 12 s');
      expect(spoken('a text made elsewhere')).toBe('a text made elsewhere');
    } finally {
      setLang('en');
    }
  });
  it('the help follows the language too', () => {
    setLang('fr');
    try {
      expect(benchHelp()).toMatch(/^Usage : npm run bench/);
      expect(benchHelp()).toContain('--duration <secondes>');
    } finally {
      setLang('en');
    }
    expect(benchHelp()).toMatch(/^Usage: npm run bench/);
  });
});
