/** npm run report -- <results.json> [--out <dir>]: renders a run's page from any results file. */
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_OUT_DIR } from '../bench/options.js';
import { argsErrorMessage } from '../servers/args.js';
import { refreshIndex, writeRunReport } from './write.js';

const USAGE = 'Usage: npm run report -- <results.json> [--out <dir>]';

function fail(message: string): never {
  console.error(`report: ${message}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: true, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
} catch (error: unknown) {
  fail(`${argsErrorMessage(error)} (${USAGE})`);
}
if (parsed.values.help === true) {
  console.log(`${USAGE}\n\nWrites report.html next to the results file, or <run-id>.html in --out.`);
  process.exit(0);
}
const [file, ...extra] = parsed.positionals;
if (file === undefined) fail(`name a results file (${USAGE})`);
if (extra.length > 0) fail(`one results file at a time; to compare runs use npm run compare`);
try {
  const { path } = writeRunReport(file, parsed.values.out);
  console.log(`report: ${relative(process.cwd(), path)}`);
  // A run of the default folder also appears in the index.
  if (resolve(dirname(dirname(file))) === resolve(DEFAULT_OUT_DIR)) {
    const index = refreshIndex(DEFAULT_OUT_DIR);
    console.log(`index: ${relative(process.cwd(), index.path)}`);
  }
} catch (error: unknown) {
  fail(error instanceof Error ? error.message : String(error));
}
