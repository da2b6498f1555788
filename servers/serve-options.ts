import { parseArgs } from 'node:util';
import { CATALOGUE, DEFAULT_HOST, MODEL_NAMES, defaultProcesses, defaultThreads, isModelName, type ModelName } from './catalogue.js';
import { argsErrorMessage, inLang, langOfArgs, parseWholeNumber } from '../lib/args.js';
import { spoken } from '../lib/errors.js';
import { t, type Lang } from '../lib/lang/lang.js';
import { isOneOf } from '../lib/guards.js';
import { SESSION_MODES, type ModelOptions, type ModelParam } from './model-types.js';

/**
 * What `serve` will start. `tls` says whether to serve HTTPS: the certificate is read (or made) by the CLI,
 * so that parsing stays pure. `lang`: what it prints is in this language (--lang, else LANG; the bench asks for en).
 */
export type ServeCommand =
  | { readonly kind: 'help'; readonly lang: Lang }
  | { readonly kind: 'serve'; readonly lang: Lang; readonly model: ModelName; readonly options: Omit<ModelOptions, 'tls'>; readonly tls: boolean }
  | { readonly kind: 'error'; readonly lang: Lang; readonly message: string };

/** Threads: thread-per-request holds one per WebSocket connection, so its bound may reach the thousands. */
export const MAX_THREADS = 2048;
export const MAX_PROCESSES = 256;

/** A broker's address: redis:// (or rediss://) with a host; checked for reachability when the server starts. */
export function brokerProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return t('cli.serve.brokerUrl', { got: JSON.stringify(raw.slice(0, 80)) });
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return t('cli.serve.brokerProtocol', { got: url.protocol.slice(0, 20) });
  if (url.hostname === '') return t('cli.serve.brokerHost');
  return null;
}

function toInt(name: string, raw: string, min: number, max: number): number | string {
  const value = parseWholeNumber(raw);
  return value !== null && value >= min && value <= max
    ? value
    : t('cli.serve.integer', { option: name, min: String(min), max: String(max), got: JSON.stringify(raw) });
}

/** Parses `serve` arguments into a command; never throws, never exits (the CLI does that). Errors in its language. */
export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeCommand {
  const { lang, problem } = langOfArgs(argv, env);
  const command = inLang(lang, () => parseServe(argv, problem));
  return { ...command, lang };
}

type Parsed = DistributiveOmit<ServeCommand, 'lang'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function parseServe(argv: readonly string[], langProblem: string | undefined): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        threads: { type: 'string' },
        processes: { type: 'string' },
        sessions: { type: 'string' },
        tls: { type: 'boolean' },
        broker: { type: 'string' },
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error: unknown) {
    return { kind: 'error', message: langProblem ?? argsErrorMessage(error) };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  if (langProblem !== undefined) return { kind: 'error', message: langProblem };
  const [model, ...extra] = positionals;
  if (model === undefined) return { kind: 'error', message: t('cli.serve.nameModel', { models: MODEL_NAMES.join(', ') }) };
  if (!isModelName(model)) return { kind: 'error', message: t('cli.serve.unknownModel', { model, models: MODEL_NAMES.join(', ') }) };
  if (extra.length > 0) return { kind: 'error', message: t('cli.serve.oneModel', { arg: extra.join(' ') }) };

  const params: readonly ModelParam[] = CATALOGUE[model].params;
  for (const param of ['threads', 'processes'] as const) {
    if (values[param] !== undefined && !params.includes(param)) {
      return { kind: 'error', message: t('cli.serve.notApply', { option: param, model }) };
    }
  }
  const port = toInt('port', values.port ?? '0', 0, 65535);
  const threads = toInt('threads', values.threads ?? String(defaultThreads(model)), 1, MAX_THREADS);
  const processes = toInt('processes', values.processes ?? String(defaultProcesses()), 1, MAX_PROCESSES);
  for (const value of [port, threads, processes]) if (typeof value === 'string') return { kind: 'error', message: value };
  const host = values.host ?? DEFAULT_HOST;
  if (host.trim() === '') return { kind: 'error', message: t('cli.serve.emptyHost') };
  const sessions = values.sessions ?? 'shared';
  if (!isOneOf(SESSION_MODES, sessions)) return { kind: 'error', message: t('cli.serve.sessions', { got: JSON.stringify(sessions) }) };
  // The baseline is not the application: it has no /visits to count.
  if (values.sessions !== undefined && CATALOGUE[model].reference) return { kind: 'error', message: t('cli.serve.notApply', { option: 'sessions', model }) };
  // Only a cluster has chat rooms to share between processes.
  if (values.broker !== undefined && model !== 'cluster') return { kind: 'error', message: t('cli.serve.brokerCluster', { model }) };
  const brokerIssue = values.broker === undefined ? null : brokerProblem(values.broker);
  if (brokerIssue !== null) return { kind: 'error', message: brokerIssue };
  return {
    kind: 'serve',
    model,
    options: { host, port: port as number, threads: threads as number, processes: processes as number, sessions, broker: values.broker ?? null },
    tls: values.tls === true,
  };
}

/** The help, in the current language (a model's lines are the catalogue's, where it has them). */
export function serveHelp(): string {
  const lines = [
    t('cli.serve.usage'),
    '',
    t('cli.serve.options', { host: DEFAULT_HOST, threads: defaultThreads(), perRequest: defaultThreads('thread-per-request'), processes: defaultProcesses() }),
    '',
    t('cli.serve.websocket'),
    '',
    t('cli.serve.models'),
  ];
  for (const name of MODEL_NAMES) {
    lines.push('', `  ${name} — ${spoken(CATALOGUE[name].summary)}`);
    lines.push(...wrap(spoken(CATALOGUE[name].paragraph), 76).map((line) => `    ${line}`));
  }
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
