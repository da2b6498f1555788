/** npm run report -- <results.json> [--out <dir>]: renders a run's page from any results file. */
import { dirname, relative, resolve } from 'node:path';
import { DEFAULT_RUNS_DIR } from '../lib/paths.js';
import { failWith, parseFilesCommand } from './cli-args.js';
import { refreshIndex, writeRunReport } from './write.js';

const USAGE = 'Usage: npm run report -- <results.json> [--out <dir>] [--lang en|fr]';
const { files, out } = parseFilesCommand('report', USAGE, 'Writes report.html next to the results file, or <run-id>.html in --out.');
const [file, ...extra] = files;
if (file === undefined) failWith('report', new Error(`name a results file (${USAGE})`));
if (extra.length > 0) failWith('report', 'one results file at a time; to compare runs use npm run compare');
try {
  const { path } = writeRunReport(file, out);
  console.log(`report: ${relative(process.cwd(), path)}`);
  // A run of the default folder also appears in the index.
  if (resolve(dirname(dirname(file))) === resolve(DEFAULT_RUNS_DIR)) {
    console.log(`index: ${relative(process.cwd(), refreshIndex(DEFAULT_RUNS_DIR).path)}`);
  }
} catch (error: unknown) {
  failWith('report', error);
}
