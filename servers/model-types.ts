/** Where the session counter of `/visits` keeps its counts. */
export type SessionMode = 'shared' | 'local';
export const SESSION_MODES = ['shared', 'local'] as const satisfies readonly SessionMode[];

/** A certificate and its key, PEM: with them a model serves HTTPS instead of HTTP. */
export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
  /** The files they were read from: what a cluster process is given (a private key never travels in an environment). */
  readonly keyPath: string;
  readonly certPath: string;
}

/** Options of a server model; each model reads the ones it declares in `params`. */
export interface ModelOptions {
  readonly host: string;
  readonly port: number;
  /** Pool threads (worker-pool); most threads alive at once (thread-per-request). */
  readonly threads: number;
  /** Processes (cluster); most processes alive at once (process-per-request). */
  readonly processes: number;
  /**
   * `shared`: one store of sessions for the whole server, however many threads or processes answer;
   * `local`: each process or thread counts in its own (the classic bug of sessions under a cluster).
   */
  readonly sessions: SessionMode;
  /** HTTPS with this certificate, or plain HTTP (null). Every model's listening socket uses it. */
  readonly tls: TlsMaterial | null;
  /** cluster: a Redis URL whose pub/sub carries chat rooms between processes, instead of the primary (null). */
  readonly broker: string | null;
}

export type ModelParam = 'threads' | 'processes';

export interface RunningServer {
  /** Base URL it listens on, with the real port when port 0 was asked. */
  readonly url: string;
  /** Parameters actually in force, for the results and the banner. */
  readonly params: Readonly<Partial<Record<ModelParam, number>>>;
  /** Stops accepting, closes connections, ends threads and child processes. */
  close(): Promise<void>;
}

export interface ServerModel {
  readonly params: readonly ModelParam[];
  /** One line for `--help` and chart legends. */
  readonly summary: string;
  /** What to expect and why: the report reuses this paragraph. */
  readonly paragraph: string;
  /** Reference models (the bare baseline) are not the application: the shared suite skips them. */
  readonly reference: boolean;
  start(options: ModelOptions): Promise<RunningServer>;
}

/** The message a server started by the bench sends over its IPC channel once it listens. */
export interface ServeListening {
  readonly type: 'listening';
  readonly url: string;
  readonly pid: number;
  readonly params: Readonly<Partial<Record<ModelParam, number>>>;
  /** Where sessions are counted, and whether it speaks HTTPS (also said by the scheme of `url`). */
  readonly sessions?: SessionMode;
  readonly tls?: boolean;
}

export function isServeListening(message: unknown): message is ServeListening {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<Record<keyof ServeListening, unknown>>;
  return m.type === 'listening' && typeof m.url === 'string' && typeof m.pid === 'number';
}
