/** npm run compare -- <a.json> <b.json> [more…] [--out <dir>]: two or more runs side by side. */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { argsErrorMessage } from '../servers/args.js';
import { writeComparison } from './write.js';

const USAGE = 'Usage: npm run compare -- <a.json> <b.json> [more…] [--out <dir>]';

function fail(message: string): never {
  console.error(`compare: ${message}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: true, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
} catch (error: unknown) {
  fail(`${argsErrorMessage(error)} (${USAGE})`);
}
if (parsed.values.help === true) {
  console.log(`${USAGE}\n\nWrites reports/out/compare-<ids>.html (or into --out). The first run is the reference for ratios.`);
  process.exit(0);
}
if (parsed.positionals.length < 2) fail(`name at least two results files (${USAGE})`);
try {
  console.log(`comparison: ${relative(process.cwd(), writeComparison(parsed.positionals, parsed.values.out))}`);
} catch (error: unknown) {
  fail(error instanceof Error ? error.message : String(error));
}
