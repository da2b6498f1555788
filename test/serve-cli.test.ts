import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SERVE_SCRIPT } from '../bench/server-process.js';
import { processGroup } from '../bench/process-tree.js';
import { MODEL_NAMES } from '../servers/catalogue.js';
import { parseServeArgs } from '../servers/serve-options.js';
import { rawRequest } from './helpers/http.js';

function serve(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [SERVE_SCRIPT, ...args], { encoding: 'utf8', timeout: 10_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('parseServeArgs', () => {
  it('applies defaults: 127.0.0.1, port 0', () => {
    const command = parseServeArgs(['event-loop']);
    expect(command).toMatchObject({ kind: 'serve', model: 'event-loop', options: { host: '127.0.0.1', port: 0 } });
  });
  it('reads model parameters', () => {
    expect(parseServeArgs(['worker-pool', '--threads', '3', '--port', '8080'])).toMatchObject({ options: { threads: 3, port: 8080 } });
    expect(parseServeArgs(['cluster', '--processes', '4'])).toMatchObject({ options: { processes: 4 } });
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
    const child = spawn(process.execPath, [SERVE_SCRIPT, model, '--port', '0'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid ?? 0;
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        child.once('exit', () => {
          reject(new Error(`exited early: ${out}`));
        });
      });
      expect((await rawRequest(url, '/')).status).toBe(200);
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      process.kill(pid, 'SIGINT');
      expect(await exit).toBe(0);
      const deadline = Date.now() + 5000;
      while (processGroup(pid).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(processGroup(pid)).toEqual([]);
    } finally {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone, as it should be
      }
    }
  });
});
