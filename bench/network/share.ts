/**
 * --share: the run goes to a class hub (hub/hub-server.ts) as it happens and when it ends. Sharing is a courtesy
 * to the class, never a risk to the run: every request has a short deadline, progress is sent at most once a
 * second and only one at a time (a slow hub is skipped, not queued), and a hub that is down or refuses costs the
 * student one line at the end; the local files are written first, and the exit status does not change.
 */
import { messageOf } from '../../lib/errors.js';

export interface ShareTarget {
  /** The hub's origin and path, without the code ("http://10.0.0.5:8090/"). */
  readonly url: string;
  readonly name: string;
  readonly code: string;
}

const PROGRESS_EVERY_MS = 1000;
const PROGRESS_TIMEOUT_MS = 2000;
const UPLOAD_TIMEOUT_MS = 30_000;

export interface Sharer {
  /** The running cell, e.g. "io × 16 · event-loop · trial 2", and how far the plan is. */
  progress(line: string): void;
  /** Uploads the results file; resolves to null when it landed, else the reason in a few words. */
  upload(json: string): Promise<{ id: number } | { error: string }>;
  /** Tells the hub this bench stopped without a file (interrupted or failed). */
  stopped(): Promise<void>;
}

/** "http://h:8090/?code=abc" and --code: the code from either, the URL without it. */
export function shareTarget(rawUrl: string, name: string, code: string | undefined): ShareTarget {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new Error(`--share: "${rawUrl.slice(0, 80)}" is not a URL (http://HOST:PORT/ as the hub printed it)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--share: ${url.protocol} is not http: or https:`);
  if (url.username !== '' || url.password !== '') throw new Error('--share: no user or password in the URL (the class code goes in --code)');
  const fromUrl = url.searchParams.get('code');
  url.search = '';
  url.hash = '';
  const chosen = code ?? fromUrl ?? '';
  if (chosen === '') throw new Error('--share: give the class code with --code (the hub printed it)');
  return { url: url.toString().replace(/\/?$/, '/'), name, code: chosen };
}

async function post(target: ShareTarget, path: string, body: string, timeoutMs: number): Promise<Response> {
  return fetch(new URL(`${path}?name=${encodeURIComponent(target.name)}`, target.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-class-code': target.code },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
}

export function createSharer(target: ShareTarget): Sharer {
  let last = 0;
  let inFlight = false;
  let pending: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  const quiet = (): void => {
    pending = null;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return {
    progress(line) {
      pending = line;
      const wait = PROGRESS_EVERY_MS - (Date.now() - last);
      // Too soon after the last one: the newest line goes when the second is up (a trial's line after a phase's).
      if (wait > 0 || inFlight) {
        timer ??= setTimeout(() => {
          timer = null;
          if (pending !== null) this.progress(pending);
        }, Math.max(wait, 50)).unref();
        return;
      }
      const sending = pending;
      pending = null;
      last = Date.now();
      inFlight = true;
      post(target, 'api/live', JSON.stringify({ line: sending }), PROGRESS_TIMEOUT_MS)
        .then((r) => r.body?.cancel())
        .catch(() => undefined)
        .finally(() => {
          inFlight = false;
        });
    },
    async upload(json) {
      quiet();
      try {
        const response = await post(target, 'api/runs', json, UPLOAD_TIMEOUT_MS);
        const body = (await response.json().catch(() => ({}))) as { id?: unknown; error?: unknown };
        if (response.status === 201 && typeof body.id === 'number') return { id: body.id };
        return { error: `the hub answered ${response.status}${typeof body.error === 'string' ? ` (${body.error.slice(0, 160)})` : ''}` };
      } catch (error: unknown) {
        const cause = (error as { cause?: unknown }).cause;
        return { error: messageOf(cause ?? error) };
      }
    },
    async stopped() {
      quiet();
      await post(target, 'api/live', JSON.stringify({ done: true }), PROGRESS_TIMEOUT_MS)
        .then((r) => r.body?.cancel())
        .catch(() => undefined);
    },
  };
}
