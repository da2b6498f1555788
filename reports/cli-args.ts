import { parseArgs } from 'node:util';
import { argsErrorMessage } from '../lib/args.js';
import { messageOf } from '../lib/errors.js';
import { isLang, setLang } from '../lib/lang/lang.js';
import { langFromEnv } from '../lib/lang/env-lang.js';

/** The shared shape of `report` and `compare`: files, an optional --out, --help; errors end with status 2. */
export function parseFilesCommand(name: string, usage: string, help: string): { files: string[]; out: string | undefined } {
  const fail = (message: string): never => {
    console.error(`${name}: ${message}`);
    process.exit(2);
  };
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: true, options: { out: { type: 'string' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error: unknown) {
    return fail(`${argsErrorMessage(error)} (${usage})`);
  }
  if (parsed.values.help === true) {
    console.log(`${usage}\n\n${help}`);
    process.exit(0);
  }
  // --lang: the page's language (default: from LANG), set once for everything this command writes.
  const lang = parsed.values.lang ?? langFromEnv();
  if (!isLang(lang)) return fail(`--lang must be en or fr, got ${JSON.stringify(lang.slice(0, 20))}`);
  setLang(lang);
  return { files: parsed.positionals, out: parsed.values.out };
}

/** One line and status 2: a missing, unreadable or invalid file, or a wrong command line. */
export function failWith(name: string, error: unknown): never {
  console.error(`${name}: ${messageOf(error)}`);
  process.exit(2);
}
