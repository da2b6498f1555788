/** `npm run bench -- [options]`: the command line into a checked plan, and the help text, both from the option table. */
import { parseArgs } from 'node:util';
import { argsErrorMessage } from '../../lib/args.js';
import { BENCH_OPTIONS, optionUsage } from './option-table.js';
import { OptionError } from './option-values.js';
import { resolveOptions, type BenchOptions, type ResolvedBenchOptions } from './options.js';
import { PROFILES, PROFILE_NAMES } from './profiles.js';

export type BenchCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly options: ResolvedBenchOptions }
  | { readonly kind: 'error'; readonly message: string };

const PARSE_CONFIG = Object.fromEntries(BENCH_OPTIONS.map((o) => [o.flag, { type: o.type, ...(o.flag === 'help' ? { short: 'h' } : {}) }]));

export function parseBenchArgs(argv: readonly string[]): BenchCommand {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: PARSE_CONFIG });
    if (values.help === true) return { kind: 'help' };
    if (positionals.length > 0) return { kind: 'error', message: `unexpected argument '${positionals.join(' ')}' (options start with --)` };
    const given: BenchOptions = {};
    for (const spec of BENCH_OPTIONS) {
      const raw = values[spec.flag];
      if (spec.type === 'string' && typeof raw === 'string') given[spec.key] = raw;
      else if (spec.type === 'boolean' && raw === true && spec.key !== 'help') given[spec.key] = true;
    }
    return { kind: 'run', options: resolveOptions(given) };
  } catch (error: unknown) {
    return { kind: 'error', message: error instanceof OptionError ? error.message : argsErrorMessage(error) };
  }
}

export function benchHelp(): string {
  const profiles = PROFILE_NAMES.map((name) => {
    const p = PROFILES[name];
    return `  ${name.padEnd(8)} ${p.description}\n           workloads ${p.workloads.join(',')}; connections ${p.connections.join(',')}; trials of ${p.durationSeconds} s (+${p.warmupSeconds} s warm-up), ${p.trials} to ${p.maxTrials} per case; budget ${p.budgetSeconds} s`;
  });
  const options = BENCH_OPTIONS.flatMap((spec) => spec.help.map((line, i) => `  ${(i === 0 ? optionUsage(spec) : '').padEnd(22)} ${line}`));
  return ['Usage: npm run bench -- [options]', '', ...options, '', 'Explicit options override the profile. Profiles:', ...profiles, '', 'The baseline model (a bare node:http server) runs the hello workload only.'].join('\n');
}
