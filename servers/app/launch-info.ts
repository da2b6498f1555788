/**
 * What `npm run serve` started, told to every thread and process that answers requests: the model's parameters
 * for `/health` (so that a bench on another host can name what it measures) and the pid of the server's root
 * process for `/lab/usage` (a cluster process measures the whole tree, from its parent down).
 *
 * It travels in an environment variable because that is the one thing pool threads, cluster processes and
 * per-request processes all inherit from the process that serve.ts runs in, without each model passing it on.
 */
export const SERVE_INFO_ENV = 'LAB_SERVE_INFO';

export interface ServeInfo {
  readonly model: string;
  readonly params: Readonly<Record<string, number>>;
  readonly sessions?: string;
  readonly rootPid: number;
}

// Checked by hand, not with zod: the handler imports this, and a per-request process loads it for every request.
function isServeInfo(value: unknown): value is ServeInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof ServeInfo, unknown>>;
  const params = v.params;
  return typeof v.model === 'string' && Number.isInteger(v.rootPid) && (v.sessions === undefined || typeof v.sessions === 'string') &&
    typeof params === 'object' && params !== null && Object.values(params).every((n) => typeof n === 'number');
}

/** Called by serve.ts before the model starts, so that every thread and child it makes inherits it. */
export function publishServeInfo(info: ServeInfo): void {
  process.env[SERVE_INFO_ENV] = JSON.stringify(info);
  cached = info;
}

let cached: ServeInfo | null | undefined;

/** What serve.ts published, or null for a server started another way (the tests start models directly). */
export function serveInfo(): ServeInfo | null {
  if (cached !== undefined) return cached;
  const raw = process.env[SERVE_INFO_ENV];
  let parsed: ServeInfo | null = null;
  if (raw !== undefined) {
    try {
      const value: unknown = JSON.parse(raw);
      parsed = isServeInfo(value) ? value : null;
    } catch {
      parsed = null; // not ours: answer as a server started by hand would
    }
  }
  cached = parsed;
  return parsed;
}
