/**
 * Every command of the README, CONTRIBUTING.md and docs/ runs. The short ones for real: curl against a server this
 * test starts (with the status a comment promises), the four-waits demo against `sequential`, every `--help`,
 * `report` and `compare` on the fixtures. The long ones (a bench run takes minutes) through the bench's own parser, so
 * that an option the docs show and the bench refuses fails here. And the README's table of options is the bench's.
 */
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_OPTIONS } from '../bench/plan/option-table.js';
import { parseBenchArgs } from '../bench/plan/parse-args.js';
import { startServerProcess, type ServerProcess } from '../bench/run/server-process.js';
import { repoRoot } from '../lib/paths.js';
import { parseServeArgs } from '../servers/serve-options.js';
import { BENCH } from './helpers/bench-cli.js';
import { fixturePath } from './helpers/fixtures.js';

const DOCUMENTS = ['README.md', 'CONTRIBUTING.md', ...readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

interface Command {
  readonly doc: string;
  readonly line: string;
  /** The comment after it, where a curl line promises a status ("# 400: …"). */
  readonly comment: string;
}

/** The command lines of the ```sh blocks of a document (other blocks are output or formulas). */
function commandsOf(doc: string): Command[] {
  const text = readFileSync(join(repoRoot, doc), 'utf8');
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    (m[1] ?? '').split('\n').flatMap((raw): Command[] => {
      const at = raw.search(/\s+#\s/);
      const line = (at === -1 ? raw : raw.slice(0, at)).trim();
      return line === '' || line.startsWith('#') ? [] : [{ doc, line, comment: at === -1 ? '' : raw.slice(at).replace(/^\s+#\s/, '') }];
    }),
  );
}

/** Splits a command line as a shell would, for the simple lines the docs hold: words, "…" and '…'. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

const ALL = DOCUMENTS.flatMap(commandsOf);
const PACKAGE = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** `npm run <script> -- args`: the script and its arguments; null for another command. */
function npmRun(line: string): { script: string; args: string[] } | null {
  const m = /^(?:sudo )?npm run (\S+)(?: -- (.*))?$/.exec(line);
  return m === null ? null : { script: m[1] ?? '', args: words(m[2] ?? '') };
}

describe('the docs hold commands', () => {
  it('in every document that shows any, and each is of a kind this test knows', () => {
    expect(ALL.length).toBeGreaterThan(30);
    const known = (c: Command): boolean =>
      /^(PORT=\d+|npm install(?: && npm run bench)?|npm test|curl |time \()/.test(c.line) || npmRun(c.line) !== null;
    expect(ALL.filter((c) => !known(c)).map((c) => `${c.doc}: ${c.line}`)).toEqual([]);
  });

  it('the README keeps setup to two commands, and every npm script it names exists', () => {
    const readme = commandsOf('README.md');
    expect(readme.slice(0, 2).map((c) => c.line)).toEqual(['npm install && npm run bench', 'npm test']);
    for (const c of ALL) {
      const run = npmRun(c.line);
      if (run !== null) expect(PACKAGE.scripts[run.script], `${c.doc}: ${c.line}`).toBeDefined();
    }
    expect(PACKAGE.scripts.test).toBeDefined();
    for (const doc of DOCUMENTS) {
      for (const m of readFileSync(join(repoRoot, doc), 'utf8').matchAll(/\]\(((?:docs\/)?[\w./-]+\.(?:md|png))\)/g)) {
        const target = join(repoRoot, doc.startsWith('docs/') && !(m[1] ?? '').startsWith('docs/') ? 'docs' : '', m[1] ?? '');
        expect(existsSync(target), `${doc} links to ${m[1] ?? ''}`).toBe(true);
      }
    }
  });
});

describe('the bench commands of the docs', () => {
  const bench = ALL.filter((c) => npmRun(c.line)?.script === 'bench');

  it.each(bench.map((c) => [`${c.doc}: ${c.line}`, c] as const))('%s is a plan the bench accepts', (_name, c) => {
    const command = parseBenchArgs(npmRun(c.line)?.args ?? []);
    expect(command.kind === 'error' ? command.message : 'ok').toBe('ok');
  });

  it('--help runs, and the README\'s table of options is the bench\'s, option for option', () => {
    const help = spawnSync(process.execPath, [BENCH, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| option | meaning |'));
    const rows = [...table.slice(0, table.indexOf('\n\n')).matchAll(/^\| `--([a-z-]+)/gm)].map((m) => m[1]);
    expect(rows).toEqual(BENCH_OPTIONS.map((o) => o.flag));
    for (const o of BENCH_OPTIONS) expect(help.stdout).toContain(`--${o.flag}`);
  });
});

describe('the serve commands of the docs', () => {
  const serve = ALL.filter((c) => npmRun(c.line)?.script === 'serve');

  it.each(serve.map((c) => [`${c.doc}: ${c.line}`, c] as const))('%s is a server serve accepts', (_name, c) => {
    const command = parseServeArgs(npmRun(c.line)?.args ?? []);
    expect(command.kind === 'error' ? command.message : 'ok').toBe('ok');
  });

  it('--help runs', () => {
    const help = spawnSync(process.execPath, [join(repoRoot, 'dist', 'servers', 'serve.js'), '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Models:');
  });
});

describe('the report and compare commands of the docs, on the fixtures', () => {
  const reports = ALL.filter((c) => ['report', 'compare'].includes(npmRun(c.line)?.script ?? ''));

  it.each(reports.map((c) => [`${c.doc}: ${c.line}`, c] as const))('%s writes its page', (_name, c) => {
    const run = npmRun(c.line);
    if (run === null) throw new Error('not an npm run line');
    // The docs' placeholders become real files: a results file for each path, a fresh folder for --out.
    const work = mkdtempSync(join(tmpdir(), 'lab-docs-'));
    let n = 0;
    const args = run.args.map((arg, i, all) => {
      if (all[i - 1] === '--out') return join(work, 'out');
      if (!arg.endsWith('results.json')) return arg;
      n += 1;
      const copy = join(work, `run-${n}.json`);
      copyFileSync(fixturePath(n % 2 === 1 ? 'default-run.json' : 'open-run.json'), copy);
      return copy;
    });
    const result = spawnSync(process.execPath, [join(repoRoot, 'dist', 'reports', `${run.script}-cli.js`), ...args, ...(args.includes('--out') ? [] : ['--out', join(work, 'out')])], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readdirSync(join(work, 'out')).filter((f) => f.endsWith('.html'))).toHaveLength(1);
  });
});

describe('the curl commands of the docs, against a server', () => {
  let eventLoop: ServerProcess;
  let sequential: ServerProcess;
  beforeAll(async () => {
    [eventLoop, sequential] = await Promise.all([startServerProcess('event-loop'), startServerProcess('sequential')]);
  });
  afterAll(async () => {
    await Promise.all([eventLoop.stop(), sequential.stop()]);
  });

  /** Runs a line in bash with PORT set to the server's port; resolves with its output and how long it took. */
  function sh(line: string, server: ServerProcess): Promise<{ code: number; out: string; seconds: number }> {
    const t0 = performance.now();
    return new Promise((resolve) => {
      execFile('bash', ['-c', line], { env: { ...process.env, PORT: new URL(server.url).port }, timeout: 20_000 }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, out: stdout + stderr, seconds: (performance.now() - t0) / 1000 });
      });
    });
  }

  const curls = ALL.filter((c) => c.line.startsWith('curl '));

  it.each(curls.map((c) => [`${c.doc}: ${c.line}`, c] as const))('%s answers (with the status its comment says)', async (_name, c) => {
    const { code, out } = await sh(c.line, eventLoop);
    expect(code, out).toBe(0);
    if (!c.line.includes(' -i')) return;
    const status = /^HTTP\/1\.1 (\d{3})/m.exec(out)?.[1];
    const promised = /^(\d{3})\b/.exec(c.comment)?.[1];
    expect(status, out.slice(0, 300)).toBeDefined();
    if (promised !== undefined) expect(status).toBe(promised);
    else expect(Number(status), out.slice(0, 300)).toBeLessThan(400);
  });

  it('the four waits: sequential takes the sum of them (four requests of 0.5 s, at least 1.9 s)', async () => {
    const demo = ALL.find((c) => c.line.startsWith('time ('));
    expect(demo).toBeDefined();
    const { code, seconds } = await sh(demo?.line ?? '', sequential);
    expect(code).toBe(0);
    expect(seconds).toBeGreaterThanOrEqual(1.9);
    const overlapped = await sh(demo?.line ?? '', eventLoop);
    expect(overlapped.seconds).toBeLessThan(seconds);
  });
});
