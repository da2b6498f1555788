/**
 * A Redis of the test's own: redis-server (Debian's package; .ci/run installs it) on a free port, no persistence,
 * stopped after. Where it is missing, the suites that need it are skipped with one line, unless LAB_REQUIRE_REDIS
 * (set by .ci/run) asks for them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const REDIS_SERVER = 'redis-server';

export function redisAvailable(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Why the Redis suites cannot run here, or null. With LAB_REQUIRE_REDIS, a missing Redis fails instead. */
export function redisSkipReason(): string | null {
  if (redisAvailable()) return null;
  if (process.env.LAB_REQUIRE_REDIS === '1') throw new Error('redis-server is required here (LAB_REQUIRE_REDIS=1): apt-get install -y redis-server');
  return 'redis-server not found: apt-get install -y redis-server to run these';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
    server.on('error', reject);
  });
}

export interface TestRedis {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A Redis on a free port, or on `port` (a broker started again where its agents look for it); on loopback, and on
 * `alsoBind` (the bench's ends of network namespaces' links, for agents inside them).
 */
export async function startRedis(port?: number, alsoBind: readonly string[] = [], password?: string): Promise<TestRedis> {
  port ??= await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', ...alsoBind, '--save', '', '--appendonly', 'no', ...(alsoBind.length > 0 ? ['--protected-mode', 'no'] : []), ...(password === undefined ? [] : ['--requirepass', password])], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    resolve();
  }));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('redis-server did not start within 5 s'));
    }, 5000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error('redis-server exited at start'));
    });
  });
  return {
    url: `redis://${password === undefined ? '' : `:${password}@`}127.0.0.1:${port}`,
    process: child,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
