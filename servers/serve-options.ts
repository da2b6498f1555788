import { parseArgs } from 'node:util';
import { CATALOGUE, DEFAULT_HOST, MODEL_NAMES, defaultProcesses, defaultThreads, isModelName, type ModelName } from './catalogue.js';
import { argsErrorMessage, parseWholeNumber } from '../lib/args.js';
import { isOneOf } from '../lib/guards.js';
import { SESSION_MODES, type ModelOptions, type ModelParam } from './model-types.js';

/**
 * What `serve` will start. `tls` says whether to serve HTTPS: the certificate is read (or made) by the CLI,
 * so that parsing stays pure.
 */
export type ServeCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'serve'; readonly model: ModelName; readonly options: Omit<ModelOptions, 'tls'>; readonly tls: boolean }
  | { readonly kind: 'error'; readonly message: string };

/** Threads: thread-per-request holds one per WebSocket connection, so its bound may reach the thousands. */
export const MAX_THREADS = 2048;
export const MAX_PROCESSES = 256;

/** A broker's address: redis:// (or rediss://) with a host; checked for reachability when the server starts. */
export function brokerProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `--broker must be a URL like redis://127.0.0.1:6379, got ${JSON.stringify(raw.slice(0, 80))}`;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `--broker must be a redis:// or rediss:// URL, got ${url.protocol.slice(0, 20)}`;
  if (url.hostname === '') return '--broker must name a host, as in redis://127.0.0.1:6379';
  return null;
}

function toInt(name: string, raw: string, min: number, max: number): number | string {
  const value = parseWholeNumber(raw);
  return value !== null && value >= min && value <= max
    ? value
    : `--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`;
}

/** Parses `serve` arguments into a command; never throws, never exits (the CLI does that). */
export function parseServeArgs(argv: readonly string[]): ServeCommand {
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
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error: unknown) {
    return { kind: 'error', message: argsErrorMessage(error) };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  const [model, ...extra] = positionals;
  if (model === undefined) return { kind: 'error', message: `name a model: ${MODEL_NAMES.join(', ')}` };
  if (!isModelName(model)) return { kind: 'error', message: `unknown model '${model}': choose one of ${MODEL_NAMES.join(', ')}` };
  if (extra.length > 0) return { kind: 'error', message: `unexpected argument '${extra.join(' ')}': serve runs one model` };

  const params: readonly ModelParam[] = CATALOGUE[model].params;
  for (const param of ['threads', 'processes'] as const) {
    if (values[param] !== undefined && !params.includes(param)) {
      return { kind: 'error', message: `--${param} does not apply to ${model}` };
    }
  }
  const port = toInt('port', values.port ?? '0', 0, 65535);
  const threads = toInt('threads', values.threads ?? String(defaultThreads(model)), 1, MAX_THREADS);
  const processes = toInt('processes', values.processes ?? String(defaultProcesses()), 1, MAX_PROCESSES);
  for (const value of [port, threads, processes]) if (typeof value === 'string') return { kind: 'error', message: value };
  const host = values.host ?? DEFAULT_HOST;
  if (host.trim() === '') return { kind: 'error', message: '--host must not be empty' };
  const sessions = values.sessions ?? 'shared';
  if (!isOneOf(SESSION_MODES, sessions)) return { kind: 'error', message: `--sessions must be ${SESSION_MODES.join(' or ')}, got ${JSON.stringify(sessions)}` };
  // The baseline is not the application: it has no /visits to count.
  if (values.sessions !== undefined && CATALOGUE[model].reference) return { kind: 'error', message: `--sessions does not apply to ${model}` };
  // Only a cluster has chat rooms to share between processes.
  if (values.broker !== undefined && model !== 'cluster') return { kind: 'error', message: `--broker applies to cluster only (its chat rooms span processes), not ${model}` };
  const brokerIssue = values.broker === undefined ? null : brokerProblem(values.broker);
  if (brokerIssue !== null) return { kind: 'error', message: brokerIssue };
  return {
    kind: 'serve',
    model,
    options: { host, port: port as number, threads: threads as number, processes: processes as number, sessions, broker: values.broker ?? null },
    tls: values.tls === true,
  };
}

export function serveHelp(): string {
  const lines = [
    'Usage: npm run serve -- <model> [--port N] [--host H] [--threads N] [--processes N]',
    '                                [--sessions shared|local] [--tls] [--broker redis://HOST:PORT]',
    '',
    `  --port N        port to listen on (default 0: a free port, printed at start)`,
    `  --host H        address to bind (default ${DEFAULT_HOST})`,
    `  --threads N     worker-pool: pool threads (default ${defaultThreads()}, the available cores);`,
    `                  thread-per-request: most threads alive at once (default ${defaultThreads('thread-per-request')}, twice the cores)`,
    `  --processes N   cluster: processes (default ${defaultProcesses()}, the available cores);`,
    `                  process-per-request: most processes alive at once (default ${defaultProcesses()}, the cores)`,
    '                  (per-request models: more requests wait in line, first come first served, in the main process)',
    '  --sessions M    where /visits counts: shared (default; one store for the whole server) or local',
    '                  (each process or thread its own: the classic bug under a cluster or a pool)',
    '  --tls           serve HTTPS with a self-signed certificate for 127.0.0.1 and localhost, made on first',
    '                  use and kept in .lab-tls/ (git-ignored); try it with curl -k https://127.0.0.1:PORT/',
    '  --broker URL    cluster: chat rooms (/ws/chat) cross processes through Redis pub/sub at URL',
    '                  (redis://HOST:PORT) instead of the primary process',
    '',
    'WebSocket (every model but the baseline): /ws/ is a page that uses /ws/echo, /ws/countdown?from=N and',
    '/ws/chat?room=R from the browser.',
    '',
    'Models:',
  ];
  for (const name of MODEL_NAMES) {
    lines.push('', `  ${name} — ${CATALOGUE[name].summary}`);
    lines.push(...wrap(CATALOGUE[name].paragraph, 76).map((line) => `    ${line}`));
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
