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
import { setLang, t } from '../lib/lang/lang.js';
import { langFromEnv } from '../lib/lang/env-lang.js';
import { argsErrorMessage } from '../lib/args.js';
import { checkIntervals, type SpeedTrace } from '../results/stats/interval-check.js';

export const TRACES_FILE = join(repoRoot, 'test', 'fixtures', 'speed-traces.json');

// The terminal's language (LANG): its lines are the lab's, in English or French.
setLang(langFromEnv());
const USAGE = t('cli.checkIntervals.usage');

function refuse(message: string): never {
  console.error(`check-intervals: ${t('cli.checkIntervals.refused', { message, usage: USAGE })}`);
  process.exit(2);
}

function wholeNumber(raw: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) refuse(t('cli.checkIntervals.whole', { name, min, max, got: JSON.stringify(raw.slice(0, 40)) }));
  return value;
}

let values: { runs?: string; seed?: string; help?: boolean };
try {
  ({ values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
} catch (error: unknown) {
  refuse(argsErrorMessage(error));
}
if (values.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const runs = wholeNumber(values.runs, 2000, 'runs', 1, 1_000_000);
const seed = wholeNumber(values.seed, 20261207, 'seed', 0, 2 ** 31 - 1);
const { traces } = JSON.parse(readFileSync(TRACES_FILE, 'utf8')) as { traces: SpeedTrace[] };
for (const line of checkIntervals({ runs, seed, traces })) console.log(JSON.stringify(line));
