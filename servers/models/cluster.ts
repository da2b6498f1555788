import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { SessionMap } from '../app/sessions.js';
import { baseUrl } from '../listen.js';
import type { ModelOptions, RunningServer } from '../model-types.js';
import { answerVisitQuestion } from '../sessions/process-link.js';
import { checkBroker, relayToAll } from '../ws/relay.js';
import type { ListenFailure } from './cluster-worker.js';

const STOP_GRACE_MS = 3000;
/** A process that dies sooner than this after it was started died "early": something is wrong with it. */
export const EARLY_DEATH_MS = 2000;
/** After this many early deaths in a row, the primary stops replacing processes. */
export const MAX_EARLY_DEATHS = 5;
const FIRST_BACKOFF_MS = 100;

// Node's types say `signal` is a string, but it is null when the process exited with a code.
function exitReason(code: number | null, signal: string | null): string {
  return signal ?? `code ${String(code)}`;
}

function exited(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    if (worker.isDead()) resolve();
    else worker.once('exit', () => {
      resolve();
    });
  });
}

function isListenFailure(message: unknown): message is ListenFailure {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'listen-failed';
}

/** The last line of what a process wrote to stderr before it died: the reason, in one line. */
function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('at ') && !/^Node\.js v/.test(l));
  return lines.find((l) => /Error/.test(l)) ?? lines[lines.length - 1] ?? '';
}

/**
 * cluster: N processes, each an event-loop server, share one listening socket; the primary hands
 * connections to them in turn (round robin on Linux and macOS). CPU work spreads over cores, and each
 * process holds its own copy of everything (memory grows with N). A dead process is replaced; one that
 * keeps dying right after it starts is replaced ever more slowly, then no more.
 * WebSocket connections spread over the processes as HTTP connections do; a chat room spans them all: the primary
 * passes each room message to every process (or, with `broker`, Redis pub/sub does).
 */
export async function start({ host, port, processes, sessions, tls, broker }: ModelOptions): Promise<RunningServer> {
  // A broker that does not answer is one line at start, not a chat that silently reaches nobody.
  if (broker !== null) await checkBroker(broker);
  // silent: the processes' stderr comes through us, so a start-up failure is told once, in one line.
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./cluster-worker.js', import.meta.url)), silent: true });
  // Each process terminates its own TLS connections: it reads the key from its file (0600, in a folder only this
  // user can enter), named in its environment. The key itself never travels there: an environment is copied to
  // every child and shown by tools that list processes' environments.
  const env: Record<string, string> = { LAB_HOST: host, LAB_PORT: String(port), LAB_SESSIONS: sessions, ...(tls === null ? {} : { LAB_TLS_KEY_FILE: tls.keyPath, LAB_TLS_CERT_FILE: tls.certPath }), ...(broker === null ? {} : { LAB_BROKER: broker }) };
  // Shared sessions: the primary keeps the one store and answers its processes' questions.
  const store = new SessionMap();
  let closing = false;
  let ready = false;
  let earlyDeaths = 0;
  let gaveUp = false;
  const stderrOf = new Map<Worker, string>();
  const listenFailureOf = new Map<Worker, string>();

  const fork = (): void => {
    const worker = cluster.fork(env);
    const bornAt = performance.now();
    stderrOf.set(worker, '');
    let serving = false;
    worker.once('listening', () => {
      serving = true;
      process.stderr.write(stderrOf.get(worker) ?? '');
    });
    worker.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      // A process that serves passes its lines on (handler failures are logged there); until then, keep them:
      // a process that dies while starting is told in one line, not with its stack trace.
      if (serving) process.stderr.write(chunk);
      else stderrOf.set(worker, ((stderrOf.get(worker) ?? '') + chunk).slice(-4000));
    });
    worker.process.stdout?.resume();
    worker.on('message', (message: unknown) => {
      if (isListenFailure(message)) listenFailureOf.set(worker, message.message);
      else if (relayToAll(message, Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected()))) return;
      else if (sessions === 'shared') answerVisitQuestion(worker, message, store);
    });
    worker.once('exit', (code: number | null, signal: string | null) => {
      const reason = listenFailureOf.get(worker) ?? (lastLine(stderrOf.get(worker) ?? '') || exitReason(code, signal));
      stderrOf.delete(worker);
      listenFailureOf.delete(worker);
      if (closing) return;
      if (!ready) {
        rejectStart(new Error(`cluster process ${String(worker.process.pid)} exited before it could listen: ${reason}`));
        return;
      }
      const alive = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined && !w.isDead()).length;
      // Once given up, for good: the processes left serve until they die, and then the server ends.
      if (gaveUp) {
        if (alive === 0) process.exit(1);
        return;
      }
      const early = performance.now() - bornAt < EARLY_DEATH_MS;
      earlyDeaths = early ? earlyDeaths + 1 : 0;
      if (earlyDeaths >= MAX_EARLY_DEATHS) {
        console.error(`cluster: processes died within ${EARLY_DEATH_MS / 1000} s of starting ${earlyDeaths} times in a row (${reason}); no more replacements, ${alive} of ${processes} left`);
        gaveUp = true;
        if (alive === 0) process.exit(1);
        return;
      }
      // Back off: 0 ms after a process that had been serving, then 100, 200, 400 ms… after early deaths.
      const delay = early ? FIRST_BACKOFF_MS * 2 ** (earlyDeaths - 1) : 0;
      console.error(`cluster: process ${String(worker.process.pid)} died (${reason}); starting a replacement${delay > 0 ? ` in ${delay} ms` : ''}`);
      setTimeout(() => {
        if (!closing) fork();
      }, delay).unref();
    });
  };

  let rejectStart: (error: Error) => void = () => undefined;
  const allListening = new Promise<number>((resolve, reject) => {
    rejectStart = reject;
    let listening = 0;
    const onListening = (_worker: Worker, address: { port: number }): void => {
      listening += 1;
      // Replacements listen as the first processes did (port 0 included): the primary shares the handle it keeps
      // for that address and port, so they join the same port. Asked for the port it got instead, a replacement made
      // the primary bind it a second time: EADDRINUSE, five times, and the cluster was left one process short.
      if (listening === processes) {
        cluster.off('listening', onListening);
        ready = true;
        resolve(address.port);
      }
    };
    cluster.on('listening', onListening);
  });

  for (let i = 0; i < processes; i++) fork();

  const close = async (): Promise<void> => {
    closing = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    for (const worker of workers) worker.process.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await Promise.all(workers.map(exited));
    clearTimeout(timer);
  };

  let actualPort: number;
  try {
    actualPort = await allListening;
  } catch (error: unknown) {
    await close();
    throw error;
  }
  return { url: baseUrl(tls !== null, host, actualPort), params: { processes }, close };
}
