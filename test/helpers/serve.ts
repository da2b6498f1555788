import { spawn } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { isServeListening, type ServeListening } from '../../servers/model-types.js';
import { SERVE_SCRIPT } from '../../bench/run/server-process.js';
import { readAnswer, type RawResponse } from './http.js';

/** A server started with any `serve` arguments (the bench's helper only passes numeric parameters). */
export interface ServedModel {
  readonly listening: ServeListening;
  readonly url: string;
  stop(): Promise<void>;
}

const groups = new Set<number>();
// Whatever happens to a test, no server group it started outlives the test process.
process.on('exit', () => {
  for (const group of groups) killGroup(group);
});

function killGroup(group: number): void {
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Starts `serve.js <args>` in its own process group; resolves with its IPC 'listening' message. */
export async function serveWith(args: readonly string[], readyTimeoutMs = 20_000): Promise<ServedModel> {
  const child = spawn(process.execPath, [SERVE_SCRIPT, ...args, '--port', '0'], { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const group = child.pid;
  if (group === undefined) throw new Error(`could not start serve ${args.join(' ')}`);
  groups.add(group);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    resolve();
  }));
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      killGroup(group);
    }, 5000);
    await exited;
    clearTimeout(timer);
    killGroup(group); // children (cluster processes, a request's process) go with their group
    groups.delete(group);
  };
  try {
    const listening = await new Promise<ServeListening>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`serve ${args.join(' ')} did not listen within ${readyTimeoutMs} ms: ${stderr}`));
      }, readyTimeoutMs);
      child.on('message', (message: unknown) => {
        if (!isServeListening(message)) return;
        clearTimeout(timer);
        resolve(message);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`serve ${args.join(' ')} exited before listening: ${stderr}`));
      });
    });
    return { listening, url: listening.url, stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}

/** One HTTPS request on its own connection; `ca` trusts the lab's certificate, else no check at all. */
export function httpsGet(baseUrl: string, path: string, ca?: string): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ hostname, port, path, agent: false, ...(ca === undefined ? { rejectUnauthorized: false } : { ca }) }, (res) => {
      readAnswer(res, resolve, reject);
    });
    req.on('error', reject);
    req.end();
  });
}
