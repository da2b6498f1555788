/** A class hub as a command (dist/hub/class-cli.js): started on a free port, stopped by the test that started it. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../lib/paths.js';

export const CLASS_CLI = join(repoRoot, 'dist', 'hub', 'class-cli.js');

export interface RunningHub {
  readonly url: string;
  readonly code: string;
  /** Printed on the teacher's terminal only. */
  readonly teacherCode: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startHub(data: string, args: readonly string[] = []): Promise<RunningHub> {
  const child = spawn(process.execPath, [CLASS_CLI, '--port', '0', '--data', data, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const line = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`the hub did not start: ${out}`)); }, 15_000);
    const check = (): void => {
      const m = /class: (http:\/\/\S+) \(code (\S+)\)\nclass: teacher code (\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on('data', check);
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`the hub exited: ${out}`));
    });
  });
  return {
    url: line[1] ?? '',
    code: line[2] ?? '',
    teacherCode: line[3] ?? '',
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => { resolve(); });
        child.kill('SIGTERM');
      }),
  };
}

/** `npm run class -- …args` to the end (--add, --render, --ask, refusals). */
export function classCommand(args: readonly string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLASS_CLI, ...args], { encoding: 'utf8', timeout: 30_000, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The class page as a student's browser gets it: through the link with the code, which the hub keeps in a cookie. */
export async function classPage(hub: RunningHub): Promise<{ status: number; html: string; cookie: string }> {
  const link = await fetch(new URL(`?code=${hub.code}`, hub.url), { redirect: 'manual' });
  const cookie = (link.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const page = await fetch(hub.url, { headers: { cookie } });
  return { status: page.status, html: await page.text(), cookie };
}
