import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { ModelOptions, RunningServer } from '../model-types.js';

const STOP_GRACE_MS = 3000;

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

/**
 * cluster: N processes, each an event-loop server, share one listening socket; the primary hands
 * connections to them in turn (round robin on Linux and macOS). CPU work spreads over cores, and each
 * process holds its own copy of everything (memory grows with N). A dead process is replaced.
 */
export async function start({ host, port, processes }: ModelOptions): Promise<RunningServer> {
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./cluster-worker.js', import.meta.url)) });
  const env = { LAB_HOST: host, LAB_PORT: String(port) };
  let closing = false;
  let ready = false;

  const allListening = new Promise<number>((resolve, reject) => {
    let listening = 0;
    const onListening = (_worker: Worker, address: { port: number }): void => {
      listening += 1;
      // Later processes (replacements) must join the same port, also when port 0 was asked.
      env.LAB_PORT = String(address.port);
      if (listening === processes) {
        cluster.off('listening', onListening);
        ready = true;
        resolve(address.port);
      }
    };
    cluster.on('listening', onListening);
    cluster.on('exit', (worker, code, signal) => {
      if (closing) return;
      if (!ready) {
        reject(new Error(`cluster process ${String(worker.process.pid)} exited (${exitReason(code, signal)}) before it could listen`));
        return;
      }
      console.error(`cluster: process ${String(worker.process.pid)} died (${exitReason(code, signal)}); starting a replacement`);
      cluster.fork(env);
    });
  });

  for (let i = 0; i < processes; i++) cluster.fork(env);

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
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${actualPort}`, params: { processes }, close };
}
