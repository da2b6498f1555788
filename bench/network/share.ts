/**
 * --share: the run goes to a class hub (hub/hub-server.ts) as it happens and when it ends. Sharing is a courtesy
 * to the class, never a risk to the run: every request has a short deadline, progress is sent at most once a
 * second and only one at a time (a slow hub is skipped, not queued), and a hub that is down, slow or refuses costs
 * the student one line at the end; the local files are written first, and the exit status does not change.
 *
 * A name belongs to whoever used it first on a hub: the hub gives a token with the first upload, which the bench
 * keeps on this machine (reports/.class-tokens.json, readable by this user only) and sends with every later request.
 * Each upload carries an idempotency key (the run's id): a retry after a lost answer stores nothing twice.
 */
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from '../../lib/errors.js';
import { writeFileAtomically } from '../../lib/files.js';
import { repoRoot } from '../../lib/paths.js';
import { nameKey } from '../../lib/student-name.js';
import { t } from '../../lib/lang/lang.js';

export interface ShareTarget {
  /** The hub's origin and path, without the code ("http://10.0.0.5:8090/"). */
  readonly url: string;
  readonly name: string;
  readonly code: string;
  /** --token: the name's token, as the hub gave it elsewhere (the page, another machine). */
  readonly token?: string;
}

const PROGRESS_EVERY_MS = 1000;
const PROGRESS_TIMEOUT_MS = 2000;
/** A class's hub answers an upload in well under a second; one that takes longer is not worth a student's wait. */
export const UPLOAD_TIMEOUT_MS = 8000;

/** Where this machine keeps its names' tokens, per hub and name. */
export const TOKENS_FILE = join(repoRoot, 'reports', '.class-tokens.json');

function readTokens(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
  } catch {
    return {};
  }
}

const tokenKey = (target: ShareTarget): string => `${target.url} ${nameKey(target.name)}`;

/** The token this machine keeps for the target's hub and name (or the one --token gave). */
export function tokenFor(target: ShareTarget, file: string = TOKENS_FILE): string | undefined {
  return target.token ?? readTokens(file)[tokenKey(target)];
}

/** Keeps a token the hub gave, readable by this user only. */
export function keepToken(target: ShareTarget, token: string, file: string = TOKENS_FILE): void {
  const tokens = { ...readTokens(file), [tokenKey(target)]: token };
  writeFileAtomically(file, `${JSON.stringify(tokens, null, 2)}\n`);
  chmodSync(file, 0o600);
}

export interface Sharer {
  /** The running cell, e.g. "io × 16 · event-loop · trial 2", and how far the plan is. */
  progress(line: string): void;
  /** Uploads the results file; resolves to null when it landed, else the reason in a few words. */
  upload(json: string): Promise<{ id: number } | { error: string }>;
  /** Tells the hub this bench stopped without a file (interrupted or failed). */
  stopped(): Promise<void>;
}

/** "http://h:8090/?code=abc" and --code: the code from either, the URL without it. */
export function shareTarget(rawUrl: string, name: string, code: string | undefined, token?: string): ShareTarget {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new Error(t('opt.err.shareUrl', { got: `"${rawUrl.slice(0, 80)}"` }));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(t('opt.err.shareProtocol', { protocol: url.protocol }));
  if (url.username !== '' || url.password !== '') throw new Error(t('opt.err.shareUser'));
  const fromUrl = url.searchParams.get('code');
  url.search = '';
  url.hash = '';
  const chosen = code ?? fromUrl ?? '';
  if (chosen === '') throw new Error(t('opt.err.shareCode'));
  if (token !== undefined && !/^[\w-]{8,64}$/.test(token)) throw new Error(t('opt.err.token'));
  return { url: url.toString().replace(/\/?$/, '/'), name, code: chosen, ...(token === undefined ? {} : { token }) };
}

async function post(target: ShareTarget, path: string, body: string, timeoutMs: number, extra: Record<string, string> = {}): Promise<Response> {
  const token = tokenFor(target);
  return fetch(new URL(`${path}?name=${encodeURIComponent(target.name)}`, target.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-class-code': target.code, ...(token === undefined ? {} : { 'x-student-token': token }), ...extra },
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
        // The run's own id: a retry of the same run is recognised, never stored twice.
        const runId = /"runId":\s*"([\w:.-]{1,100})"/.exec(json.slice(0, 4096))?.[1];
        const response = await post(target, 'api/runs', json, UPLOAD_TIMEOUT_MS, runId === undefined ? {} : { 'idempotency-key': runId });
        const body = (await response.json().catch(() => ({}))) as { id?: unknown; error?: unknown; token?: unknown };
        if ((response.status === 201 || response.status === 200) && typeof body.id === 'number') {
          if (typeof body.token === 'string') keepToken(target, body.token);
          return { id: body.id };
        }
        return { error: typeof body.error === 'string' ? t('err.share.statusWhy', { status: String(response.status), why: body.error.slice(0, 200) }) : t('err.share.status', { status: String(response.status) }) };
      } catch (error: unknown) {
        const cause = (error as { cause?: unknown }).cause;
        if (error instanceof Error && error.name === 'TimeoutError') return { error: t('err.share.timeout', { seconds: UPLOAD_TIMEOUT_MS / 1000 }) };
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
