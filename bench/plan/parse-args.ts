/** `npm run bench -- [options]`: the command line into a checked plan, and the help text, both from the option table. */
import { parseArgs } from 'node:util';
import { argsErrorMessage, inLang, langOfArgs } from '../../lib/args.js';
import { decimal, t, type Lang } from '../../lib/lang/lang.js';
import { BENCH_OPTIONS, optionHelp, optionUsage } from './option-table.js';
import { OptionError } from './option-values.js';
import { LIST_SEPARATOR, resolveOptions, type BenchOptions, type ResolvedBenchOptions } from './options.js';
import { PROFILES, PROFILE_NAMES } from './profiles.js';

/** What to do, and the language the command speaks (--lang, else LANG): its errors and help are already in it. */
export type BenchCommand =
  | { readonly kind: 'help'; readonly lang: Lang }
  | { readonly kind: 'run'; readonly lang: Lang; readonly options: ResolvedBenchOptions }
  | { readonly kind: 'error'; readonly lang: Lang; readonly message: string };

const PARSE_CONFIG = Object.fromEntries(BENCH_OPTIONS.map((o) => [o.flag, { type: o.type, ...(o.flag === 'help' ? { short: 'h' } : {}), ...(o.type === 'string' && o.multiple === true ? { multiple: true } : {}) }]));

/**
 * The language is read first (`--lang`, else LANG), so that every error after it is said in it; an unknown --lang is
 * itself an error, said in LANG's language. `env`: where LANG is read (the process's own by default).
 */
export function parseBenchArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchCommand {
  const { lang, problem } = langOfArgs(argv, env);
  return inLang(lang, (): BenchCommand => {
    try {
      const { values, positionals } = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: PARSE_CONFIG });
      if (values.help === true) return { kind: 'help', lang };
      if (problem !== undefined) return { kind: 'error', lang, message: problem };
      if (positionals.length > 0) return { kind: 'error', lang, message: t('opt.err.positional', { arg: positionals.join(' ') }) };
      const given: BenchOptions = { lang };
      for (const spec of BENCH_OPTIONS) {
        const raw = values[spec.flag];
        if (spec.type === 'string' && typeof raw === 'string' && spec.key !== 'lang') given[spec.key] = raw;
        // A repeatable option (--expect): its values joined by a character no argument can hold.
        else if (spec.type === 'string' && Array.isArray(raw)) given[spec.key] = raw.filter((v): v is string => typeof v === 'string').join(LIST_SEPARATOR);
        else if (spec.type === 'boolean' && raw === true && spec.key !== 'help') given[spec.key] = true;
      }
      return { kind: 'run', lang, options: resolveOptions(given) };
    } catch (error: unknown) {
      return { kind: 'error', lang, message: problem ?? (error instanceof OptionError ? error.message : argsErrorMessage(error)) };
    }
  });
}

/** The help, in the current language. */
export function benchHelp(): string {
  const profiles = PROFILE_NAMES.map((name) => {
    const p = PROFILES[name];
    const line = t('opt.profileLine', {
      workloads: p.workloads.join(','),
      connections: p.connections.join(','),
      duration: decimal(String(p.durationSeconds)),
      warmup: decimal(String(p.warmupSeconds)),
      trials: p.trials,
      maxTrials: p.maxTrials,
      budget: String(p.budgetSeconds),
    });
    return `  ${name.padEnd(8)} ${t(`opt.profile.${name}` as const)}\n           ${line}`;
  });
  const options = BENCH_OPTIONS.flatMap((spec) => optionHelp(spec).map((line, i) => `  ${(i === 0 ? optionUsage(spec) : '').padEnd(22)} ${line}`));
  return [t('opt.usage'), '', ...options, '', t('opt.overrides'), ...profiles, '', t('opt.baseline')].join('\n');
}
