/** npm run compare -- <a.json> <b.json> [more…] [--out <dir>]: two or more runs side by side. */
import { relative } from 'node:path';
import { failWith, parseFilesCommand } from './cli-args.js';
import { writeComparison } from './write.js';

const USAGE = 'Usage: npm run compare -- <a.json> <b.json> [more…] [--out <dir>] [--lang en|fr]';
const { files, out } = parseFilesCommand('compare', USAGE, 'Writes reports/out/compare-<ids>.html (or into --out). The first run is the reference for ratios.');
if (files.length < 2) failWith('compare', `name at least two results files (${USAGE})`);
try {
  console.log(`comparison: ${relative(process.cwd(), writeComparison(files, out))}`);
} catch (error: unknown) {
  failWith('compare', error);
}
