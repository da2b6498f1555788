import { messageOf } from './errors.js';
import { currentLang, isLang, setLang, t, type Lang } from './lang/lang.js';
import { langFromEnv } from './lang/env-lang.js';

/** One short line for a parseArgs failure (its own messages run long and suggest `--`), in the current language. */
export function argsErrorMessage(error: unknown): string {
  const message = messageOf(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown !== null) return t('cli.unknownOption', { option: unknown[1] ?? '' });
  const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(message);
  if (ambiguous !== null) return t('cli.needsValue', { option: ambiguous[1] ?? '' });
  const missing = /Option '(-[^' ]+)(?: <value>)?' argument missing/.exec(message);
  if (missing !== null) return t('cli.missingValue', { option: missing[1] ?? '' });
  return message.split('\n')[0] ?? message;
}

/** Parses a whole non-negative integer written in digits only: no sign, no exponent, no decimals. */
export function parseWholeNumber(raw: string): number | null {
  if (!/^\d{1,15}$/.test(raw)) return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * The language a command speaks, read from its arguments before anything else is checked (an option's error is said
 * in it): `--lang X` or `--lang=X`, else LANG (LC_ALL). A --lang that is neither en nor fr gets `problem`, said in
 * LANG's language: the one the user reads when --lang does not say.
 */
export function langOfArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { readonly lang: Lang; readonly problem?: string } {
  const fallback = langFromEnv(env);
  let given: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    if (arg === '--lang') given = argv[i + 1] ?? '';
    else if (arg.startsWith('--lang=')) given = arg.slice('--lang='.length);
  }
  if (given === undefined) return { lang: fallback };
  if (isLang(given)) return { lang: given };
  return { lang: fallback, problem: t('cli.badLang', { got: JSON.stringify(given.slice(0, 20)) }, fallback) };
}

/** Runs `work` with the process speaking `lang`, then as before: a parser says its errors in the command's language. */
export function inLang<T>(lang: Lang, work: () => T): T {
  const saved = currentLang();
  setLang(lang);
  try {
    return work();
  } finally {
    setLang(saved);
  }
}

/** "4 threads", "2 processus": a model's parameter and its value, as the terminal shows it. */
export function paramText(name: string, value: number): string {
  if (name === 'threads') return t('cli.param.threads', { n: value });
  if (name === 'processes') return t('cli.param.processes', { n: value });
  return `${String(value)} ${name}`;
}
