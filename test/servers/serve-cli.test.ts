import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect } from 'node:net';
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.js';
import { SERVE_SCRIPT } from '../../bench/run/server-process.js';
import { processGroup } from '../../lib/process-tree.js';
import { MODEL_NAMES } from '../../servers/catalogue.js';
import { parseServeArgs } from '../../servers/serve-options.js';
import { rawRequest } from '../helpers/http.js';
import { eventually } from '../helpers/wait.js';

function serve(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [SERVE_SCRIPT, ...args], { encoding: 'utf8', timeout: 10_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts a command as the leader of its own process group, so that a test can find and kill all it started. */
function spawnGroup(command: string, args: readonly string[]): { child: ChildProcessWithoutNullStreams; group: number } {
  const child = spawn(command, args, { cwd: repoRoot, detached: true, stdio: 'pipe' });
  child.stdin.end();
  return { child, group: child.pid ?? 0 };
}

/** The last resort of every test that starts processes: nothing it started outlives it, even when it fails. */
function killGroup(group: number): void {
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    // already gone, as it should be
  }
}

/** The URL from the server's "listening on <url>" line (the line the bench reads too). */
function listeningUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    const collect = (chunk: string): void => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    };
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    child.once('exit', () => {
      reject(new Error(`exited before listening: ${out}`));
    });
  });
}

/** Whether anything accepts a TCP connection on the URL's port. */
function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('parseServeArgs', () => {
  it('applies defaults: 127.0.0.1, port 0', () => {
    const command = parseServeArgs(['event-loop']);
    expect(command).toMatchObject({ kind: 'serve', model: 'event-loop', options: { host: '127.0.0.1', port: 0 } });
  });
  it('reads model parameters', () => {
    expect(parseServeArgs(['worker-pool', '--threads', '3', '--port', '8080'])).toMatchObject({ options: { threads: 3, port: 8080 } });
    expect(parseServeArgs(['cluster', '--processes', '4'])).toMatchObject({ options: { processes: 4 } });
    expect(parseServeArgs(['thread-per-request', '--threads', '5'])).toMatchObject({ options: { threads: 5 } });
    expect(parseServeArgs(['process-per-request', '--processes', '3'])).toMatchObject({ options: { processes: 3 } });
  });
  it('bounds the per-request models by default: twice the cores in threads, the cores in processes', () => {
    const cores = availableParallelism();
    expect(parseServeArgs(['thread-per-request'])).toMatchObject({ options: { threads: 2 * cores } });
    expect(parseServeArgs(['process-per-request'])).toMatchObject({ options: { processes: cores } });
  });
  it('reads --sessions (shared by default) and --tls (off by default)', () => {
    expect(parseServeArgs(['cluster'])).toMatchObject({ options: { sessions: 'shared' }, tls: false });
    expect(parseServeArgs(['cluster', '--sessions', 'local', '--tls'])).toMatchObject({ options: { sessions: 'local' }, tls: true });
    expect(parseServeArgs(['baseline', '--tls'])).toMatchObject({ kind: 'serve', tls: true });
  });
  it.each([
    [['nope'], "unknown model 'nope'"],
    [[], 'name a model'],
    [['event-loop', '--port', '70000'], '--port must be an integer from 0 to 65535'],
    [['event-loop', '--port', '-1'], "option '--port' needs a value"],
    [['event-loop', '--port=-1'], '--port must be an integer'],
    [['event-loop', '--port', 'abc'], '--port must be'],
    [['worker-pool', '--threads', '0'], '--threads must be an integer from 1'],
    [['cluster', '--processes', '2.5'], '--processes must be'],
    [['sequential', '--threads', '2'], '--threads does not apply to sequential'],
    [['event-loop', '--processes', '2'], '--processes does not apply to event-loop'],
    [['fastify', '--threads', '2'], '--threads does not apply to fastify'],
    [['thread-per-request', '--processes', '2'], '--processes does not apply to thread-per-request'],
    [['process-per-request', '--threads', '2'], '--threads does not apply to process-per-request'],
    [['thread-per-request', '--threads', '0'], '--threads must be an integer from 1'],
    [['process-per-request', '--processes', '257'], '--processes must be an integer from 1 to 256'],
    [['cluster', '--sessions', 'global'], '--sessions must be shared or local'],
    [['baseline', '--sessions', 'shared'], '--sessions does not apply to baseline'],
    [['event-loop', '--tls=yes'], "'--tls' does not take an argument"],
    [['event-loop', '--bogus'], "unknown option '--bogus'"],
    [['event-loop', 'cluster'], 'unexpected argument'],
  ])('refuses %j: %s', (args, message) => {
    const command = parseServeArgs(args);
    expect(command.kind).toBe('error');
    if (command.kind === 'error') expect(command.message).toContain(message);
  });
});

describe('npm run serve', () => {
  it('--help lists every model with its paragraph', () => {
    const { status, stdout } = serve('--help');
    expect(status).toBe(0);
    for (const name of MODEL_NAMES) expect(stdout).toContain(`  ${name} — `);
    expect(stdout).toContain('Each hand-off copies');
    for (const option of ['--sessions', '--tls', 'thread-per-request: most threads alive at once']) expect(stdout).toContain(option);
  });

  it('an unknown model prints one line and exits with status 2', () => {
    const { status, stderr, stdout } = serve('threaded');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain("unknown model 'threaded'");
  });

  it('a bad option prints one line and exits with status 2', () => {
    const { status, stderr } = serve('cluster', '--processes', 'many');
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each(['worker-pool', 'cluster'])('%s: prints its URL, and SIGINT ends it with every thread and process', async (model) => {
    const { child, group } = spawnGroup(process.execPath, [SERVE_SCRIPT, model, '--port', '0']);
    try {
      const url = await listeningUrl(child);
      expect((await rawRequest(url, '/')).status).toBe(200);
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      process.kill(group, 'SIGINT');
      expect(await exit).toBe(0);
      expect(await eventually(() => processGroup(group).length === 0, 5000)).toBe(true);
    } finally {
      killGroup(group);
    }
  });

  // npm passes SIGTERM on to its script; before the script ended in `exec node …`, a shell stood between them,
  // died of the signal, and left the server running, holding its port.
  it('SIGTERM to `npm run serve` (npm alone) stops the server: the port closes and no process is left', async () => {
    const { child, group } = spawnGroup('npm', ['run', 'serve', '--', 'event-loop']);
    try {
      const url = await listeningUrl(child); // npm run serve builds first: allow for it
      expect(await answers(url)).toBe(true);
      process.kill(group, 'SIGTERM'); // the npm process only, as a service manager or `kill <pid>` would
      expect(await eventually(async () => !(await answers(url)), 5000), 'the port still answers').toBe(true);
      expect(await eventually(() => processGroup(group).length === 0, 5000), 'processes of `npm run serve` are left').toBe(true);
    } finally {
      killGroup(group);
    }
  }, 60_000);

  it('a server whose parent dies (SIGKILL, nothing passed on) stops by itself within a few seconds', async () => {
    const script = relative(repoRoot, SERVE_SCRIPT);
    const { child, group } = spawnGroup('sh', ['-c', `node ${script} event-loop & wait`]);
    try {
      const url = await listeningUrl(child);
      expect(await answers(url)).toBe(true);
      process.kill(group, 'SIGKILL'); // the shell only: the server is orphaned, and no signal reaches it
      expect(await eventually(async () => !(await answers(url)), 5000), 'the orphaned server still answers').toBe(true);
      expect(await eventually(() => processGroup(group).length === 0, 5000), 'the orphaned server is still running').toBe(true);
    } finally {
      killGroup(group);
    }
  });
});
