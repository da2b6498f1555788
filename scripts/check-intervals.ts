/**
 * npm run check-intervals [-- --runs N --seed S]: simulates N runs of a case with a known truth (speed phases from
 * recorded traces of the cores' gauges, marked trials retried, latencies correlated within a trial: see
 * results/stats/interval-check.ts) and prints, for each figure, the share of runs whose 95 % interval held the
 * truth, one JSON line each: {"figure":"throughput","covered":0.951,"runs":1000}.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../lib/paths.js';
import { checkIntervals, type SpeedTrace } from '../results/stats/interval-check.js';

export const TRACES_FILE = join(repoRoot, 'test', 'fixtures', 'speed-traces.json');

function wholeNumber(raw: string | undefined, fallback: number, name: string, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min) {
    console.error(`check-intervals: --${name}: a whole number of at least ${min}, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' } }, strict: true });
const runs = wholeNumber(values.runs, 2000, 'runs', 1);
const seed = wholeNumber(values.seed, 20261207, 'seed', 0);
const { traces } = JSON.parse(readFileSync(TRACES_FILE, 'utf8')) as { traces: SpeedTrace[] };
for (const line of checkIntervals({ runs, seed, traces })) console.log(JSON.stringify(line));
