import { pause, settlesWithin } from '../../lib/pause.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../lib/paths.js';
import { isServeListening, type ModelParam, type SessionMode } from '../../servers/model-types.js';
import { processGroup } from '../../lib/process-tree.js';
import { fileLimitPrefix } from '../machine/file-limit.js';
import { sentence } from '../../lib/lang/sentences.js';

export const SERVE_SCRIPT = join(repoRoot, 'dist', 'servers', 'serve.js');

/** A server model running in a child process of its own (and its own process group). */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Resolves when the server's main process exits, with how it did (serverDied() says it in words). */
  readonly exited: Promise<ServerExit>;
  /** The last lines the server wrote to stderr, to explain a failure. */
  stderrTail(): string;
  /** Stops the server and every process of its group; rejects if one survives. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly params?: Readonly<Partial<Record<ModelParam, number>>>;
  readonly readyTimeoutMs?: number;
  readonly host?: string;
  /** Run the server inside this network namespace (`ip netns exec`, which execs node: the pid and IPC stay ours). */
  readonly netns?: string;
  /** Serve HTTPS (`--tls`): the URL it reports is then https://. */
  readonly tls?: boolean;
  /** Where /visits counts (`--sessions`); left to the server's default when absent (the baseline takes none). */
  readonly sessions?: SessionMode;
  /**
   * 'reference': the server that only tells the bench what the answers must be (bench/run/expected.ts), in its
   * environment as LAB_SERVER_ROLE, so that a test's fault can aim at the measured servers alone.
   */
  readonly role?: 'reference';
  /** Start it with this file limit (prlimit): a server that holds thousands of WebSockets needs a file for each. */
  readonly fileLimit?: number | null;
}

const live = new Set<number>();

// Last resort: whatever happens to this process, no server group it started outlives it.
process.on('exit', () => {
  for (const pgid of live) killGroup(pgid, 'SIGKILL');
});

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // no process left in the group
  }
}

/** How a server's main process ended: its exit code, or the signal that killed it. */
export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function waitExit(child: ChildProcess): Promise<ServerExit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
}

/** "server exited with code 134: <its last lines>": why a trial's server is gone (a sentence: results keep it). */
export function serverDied(exit: ServerExit, tail: string): string {
  const killed = exit.signal !== null;
  const args: Record<string, string> = exit.signal !== null ? { signal: exit.signal } : { code: String(exit.code) };
  if (tail === '') return sentence(killed ? 'err.serverKilled' : 'err.serverExited', args);
  return sentence(killed ? 'err.serverKilledTail' : 'err.serverExitedTail', { ...args, tail });
}

/** "<model> exited with code 2 before listening: <its last lines>". */
function diedBeforeListening(model: string, exit: ServerExit, tail: string): string {
  const killed = exit.signal !== null;
  const args: Record<string, string> = exit.signal !== null ? { model, signal: exit.signal } : { model, code: String(exit.code) };
  if (tail === '') return sentence(killed ? 'err.killedBeforeListening' : 'err.exitedBeforeListening', args);
  return sentence(killed ? 'err.killedBeforeListeningTail' : 'err.exitedBeforeListeningTail', { ...args, tail });
}


async function groupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (processGroup(pgid).length === 0) return true;
    await pause(20);
  }
  return processGroup(pgid).length === 0;
}

/** Starts `serve.js <model> --port 0` and resolves once it reports the URL it listens on. */
export async function startServerProcess(model: string, options: StartOptions = {}): Promise<ServerProcess> {
  // In English whatever the bench speaks: what a server says on stderr goes into the reasons a results file keeps.
  const args = [SERVE_SCRIPT, model, '--port', '0', '--host', options.host ?? '127.0.0.1', '--lang', 'en'];
  for (const [name, value] of Object.entries(options.params ?? {})) args.push(`--${name}`, String(value));
  if (options.tls === true) args.push('--tls');
  if (options.sessions !== undefined) args.push('--sessions', options.sessions);
  // detached: its own process group, so that a Ctrl-C in the terminal reaches the bench, which stops the
  // server in order. The IPC channel is a lifeline: the server exits when this process dies.
  // prlimit and ip netns exec both exec what follows: the pid and the IPC channel stay the server's.
  const node = [...fileLimitPrefix(options.fileLimit ?? null), process.execPath, ...args];
  const [command = process.execPath, ...commandArgs] = options.netns === undefined ? node : ['ip', 'netns', 'exec', options.netns, ...node];
  const child = spawn(command, commandArgs, { detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], ...(options.role === undefined ? {} : { env: { ...process.env, LAB_SERVER_ROLE: options.role } }) });
  const pid = child.pid;
  if (pid === undefined) throw new Error(sentence('err.couldNotStart', { model }));
  live.add(pid);

  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const stderrTail = (): string => stderr.trim().split('\n').slice(-5).join(' | ');
  const exited = waitExit(child);

  const stop = async (): Promise<void> => {
    // SIGTERM to the main process only: it stops its own threads and children in order (a cluster
    // primary that saw its children die first would replace them). Leftovers get SIGKILL below.
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const graceful = await settlesWithin(exited, 5000);
    if (!graceful) killGroup(pid, 'SIGKILL');
    await exited;
    // Children (cluster processes) may outlive the primary for a moment: wait for the group to empty.
    if (!(await groupGone(pid, 3000))) {
      killGroup(pid, 'SIGKILL');
      if (!(await groupGone(pid, 2000))) throw new Error(sentence('err.survived', { model, pid: String(pid) }));
    }
    live.delete(pid);
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  child.stdout?.resume(); // keep draining, so a chatty server never blocks on a full pipe
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(sentence('err.noAddress', { model, ms: String(readyTimeoutMs) })));
    }, readyTimeoutMs);
    // The server tells its address over the IPC channel once it listens (servers/serve.ts).
    child.on('message', (message: unknown) => {
      if (!isServeListening(message)) return;
      clearTimeout(timer);
      resolve(message.url);
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(diedBeforeListening(model, how, stderr === '' ? '' : stderrTail())));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  return { url, pid, exited, stderrTail, stop };
}
