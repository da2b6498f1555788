/**
 * The bench as a command: where its compiled script is, which lab servers are alive, and the check every
 * refused option gets (one line on stderr, status 2, nothing written, no server started).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { allProcesses } from '../../lib/process-tree.js';
import { SERVE_SCRIPT } from '../../bench/run/server-process.js';
import { repoRoot } from '../../lib/paths.js';
import { readResultsFile } from '../../results/file.js';
import type { OkTrial, Results } from '../../results/schema.js';

export const BENCH = join(repoRoot, 'dist', 'scripts', 'bench.js');

/** Servers of the lab now alive: processes running serve.js or a cluster worker of this checkout. */
export function labServers(): number[] {
  const pids: number[] = [];
  for (const p of allProcesses()) {
    try {
      const cmd = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8');
      if (cmd.includes(SERVE_SCRIPT) || cmd.includes(join(repoRoot, 'dist', 'servers', 'models', 'cluster-worker.js'))) pids.push(p.pid);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Processes alive now whose command line holds `marker` (a load process, a cpu-hog's loop). */
export function processesWith(marker: string): number {
  return allProcesses().filter((p) => {
    try {
      return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false; // gone meanwhile
    }
  }).length;
}

/** Load processes of the lab alive now (bench/load/load-process.js: the bench's, or an agent's). */
export function loadProcesses(): number {
  return processesWith('load-process.js');
}

/** The one run a bench wrote in `out`, read and checked as the lab reads it. */
export function resultsIn(out: string): Results {
  const [id] = readdirSync(out).filter((d) => d.startsWith('20'));
  if (id === undefined) throw new Error(`no run in ${out}`);
  return readResultsFile(join(out, id, 'results.json'));
}

/** `npm run bench -- …args` into a fresh folder: it must end with status 0; the one run it wrote. */
export function benchOk(args: readonly string[], timeoutMs = 180_000): Results {
  const out = mkdtempSync(join(tmpdir(), 'lab-bench-'));
  const run = spawnSync(process.execPath, [BENCH, ...args, '--out', out], { encoding: 'utf8', timeout: timeoutMs });
  expect(run.status, run.stderr).toBe(0);
  return resultsIn(out);
}

/** The ok trials of a run's ok case of `workload` (throws where the case failed). */
export function okTrialsOf(results: Results, workload: string): OkTrial[] {
  const c = results.cases.find((x) => x.workload === workload);
  if (c?.status !== 'ok') throw new Error(`no ok case of ${workload}`);
  return c.trials.filter((x): x is OkTrial => x.status === 'ok');
}

/** `npm run bench -- …args` refused: one line naming `message`, status 2, nothing in its --out, no server started. */
export function expectRefusal(args: readonly string[], message: string): void {
  const out = mkdtempSync(join(tmpdir(), 'lab-bench-'));
  const before = labServers().length;
  const result = spawnSync(process.execPath, [BENCH, ...args, '--out', out], { encoding: 'utf8', timeout: 10_000 });
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain(message);
  expect(readdirSync(out)).toEqual([]);
  expect(labServers().length).toBe(before);
}
