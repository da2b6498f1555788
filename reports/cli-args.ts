import { parseArgs } from 'node:util';
import { argsErrorMessage, langOfArgs } from '../lib/args.js';
import { spokenMessage } from '../lib/errors.js';
import { setLang, t, type TextKey } from '../lib/lang/lang.js';

/**
 * The shared shape of `report` and `compare`: files, an optional --out, --lang, --help; errors end with status 2.
 * The language comes first (--lang, else LANG), so that the usage and every error are said in it; `usage` and `help`
 * are the catalogue's texts.
 */
export function parseFilesCommand(name: string, usage: TextKey, help: TextKey): { files: string[]; out: string | undefined } {
  const argv = process.argv.slice(2);
  const { lang, problem } = langOfArgs(argv);
  // --lang: the page's language too, set once for everything this command writes.
  setLang(lang);
  const fail = (message: string): never => {
    console.error(`${name}: ${message}`);
    process.exit(2);
  };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { out: { type: 'string' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error: unknown) {
    return fail(`${problem ?? argsErrorMessage(error)} (${t(usage)})`);
  }
  if (parsed.values.help === true) {
    console.log(`${t(usage)}\n\n${t(help)}`);
    process.exit(0);
  }
  if (problem !== undefined) return fail(problem);
  return { files: parsed.positionals, out: parsed.values.out };
}

/** One line and status 2: a missing, unreadable or invalid file, or a wrong command line. */
export function failWith(name: string, error: unknown): never {
  console.error(`${name}: ${spokenMessage(error)}`);
  process.exit(2);
}
