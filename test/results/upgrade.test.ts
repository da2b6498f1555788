/**
 * Reading every version this lab wrote: a version-1 file (before trials) is upgraded to the current shape;
 * a bad version-1 file, an unknown version or a file without one is refused in one line naming the field.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResultsFile, writeResultsFile } from '../../results/file.js';
import { SCHEMA_VERSION, validateResults } from '../../results/schema.js';
import type { ResultsV1 } from '../../results/schema-v1.js';
import { readAnyVersion } from '../../results/upgrade.js';
import { fixturePath } from '../helpers/fixtures.js';
import { buildV2Results } from '../helpers/v2-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'lab-upgrade-'));
const v1 = JSON.parse(readFileSync(fixturePath('run-a.json'), 'utf8')) as ResultsV1;

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** What a command would print: the message, which must be one line. */
function refusal(path: string): string {
  try {
    readResultsFile(path);
  } catch (error: unknown) {
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error(`${path} was accepted`);
}

describe('a version-1 file', () => {
  it('is read through the upgrade as a valid current result', () => {
    expect(v1.schemaVersion).toBe(1);
    const results = readResultsFile(fixturePath('run-a.json'));
    expect(results.schemaVersion).toBe(SCHEMA_VERSION);
    expect(results.upgradedFrom).toBe(1);
    expect(validateResults(results)).toEqual(results);
    expect(results.runId).toBe(v1.runId);
    expect(results.probes).toEqual([]);
    expect(results.options).toMatchObject({ trials: 1, maxTrials: 1, durationSeconds: 0.5, threads: 2, processes: 2, seed: 0 });
    expect(results.options.budgetSeconds).toBeCloseTo(35.549, 3);
  });
  it('keeps every case, each repeat a trial, and claims no interval from one repeat', () => {
    const results = readAnyVersion(v1);
    expect(results.cases).toHaveLength(v1.cases.length);
    const before = v1.cases.find((c) => c.model === 'sequential' && c.workload === 'hello' && c.connections === 1);
    const after = results.cases.find((c) => c.model === 'sequential' && c.workload === 'hello' && c.connections === 1);
    if (before?.status !== 'ok' || after?.status !== 'ok') throw new Error('the fixture changed');
    expect(after.rps).toBe(3056.9);
    expect(after.rps).toBe(before.rps);
    expect(after.latencyUs).toEqual(before.latencyUs);
    expect(after.rpsInterval).toBeNull();
    expect(after.p99Interval).toBeNull();
    expect(after.trials).toHaveLength(1);
    expect(after.trials[0]).toMatchObject({ round: 1, order: 0, marked: [], status: 'ok', rps: 3056.9, censored: 0 });
    expect(after.littlesLaw).toEqual({ expectedMeanUs: 327, ratio: 0.927, lowerBound: false });
    const failed = results.cases.filter((c) => c.status === 'failed');
    expect(failed.map((c) => [c.model, c.workload, c.connections])).toEqual([['worker-pool', 'io', 8]]);
  });
  it('turns its warnings into data: the old words under the code "upgraded", the run told it was upgraded', () => {
    const results = readAnyVersion(v1);
    expect(results.warnings.map((w) => w.code)).toEqual(['upgraded', 'machine']);
    expect(results.warnings[1]?.message).toBe(v1.warnings[0]);
    const pool = results.cases.find((c) => c.model === 'worker-pool' && c.workload === 'hello' && c.connections === 1);
    expect(pool?.warnings).toEqual([{ code: 'upgraded', message: '(from a version-1 file) oversubscribed: 2 server threads and the load generator share 2 cores' }]);
  });
  it('with a bad field is refused in one line naming the field', () => {
    const bad = writeJson('bad-v1.json', { ...v1, machine: { ...v1.machine, cpus: 'two' } });
    expect(refusal(bad)).toMatch(new RegExp(`^${bad}: not a valid results file \\(version 1\\): machine\\.cpus: `));
    const badCase = writeJson('bad-case-v1.json', { ...v1, cases: [{ ...v1.cases[0], rps: -1 }] });
    expect(refusal(badCase)).toMatch(/: not a valid results file \(version 1\): cases\.0\.rps: /);
  });
});

describe('other versions', () => {
  it('a version-2 file is read as it was written', () => {
    const results = buildV2Results();
    const path = join(dir, 'v2.json');
    writeResultsFile(path, results);
    expect(readResultsFile(path)).toEqual(results);
    expect(results.upgradedFrom).toBeUndefined();
  });
  it('a version-2 file with a bad field is refused naming the field', () => {
    const results = buildV2Results();
    const path = writeJson('bad-v2.json', { ...results, probes: [{ ...results.probes[0], capacity: -1 }] });
    expect(refusal(path)).toMatch(/: not a valid results file: probes\.0\.capacity: /);
  });
  it.each([
    [3, 'schemaVersion is 3 (this lab reads 1 and 2)'],
    ['2', 'schemaVersion is "2" (this lab reads 1 and 2)'],
    [undefined, 'schemaVersion is missing (this lab reads 1 and 2)'],
  ])('schemaVersion %j is refused in one line', (version, reason) => {
    const path = writeJson(`version-${String(version)}.json`, { ...buildV2Results(), schemaVersion: version });
    expect(refusal(path)).toBe(`${path}: not a results file this lab can read: ${reason}`);
  });
  it('JSON that is not an object is refused in one line', () => {
    expect(refusal(writeJson('array.json', [1, 2]))).toMatch(/schemaVersion is missing/);
    expect(() => readAnyVersion(null)).toThrow('schemaVersion is missing');
  });
});

describe('a version-1 file the old schema allowed', () => {
  it('with repeats counted from 0 is upgraded too (rounds start at 1)', () => {
    const zero = { ...v1, cases: v1.cases.map((c) => ({ ...c, repeat: 0 })) };
    const results = readAnyVersion(zero);
    expect(results.cases.every((c) => c.trials.every((t) => t.round === 1))).toBe(true);
  });
});
