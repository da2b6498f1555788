import { join } from 'node:path';
import { repoRoot } from '../../../lib/paths.js';
import { jsonError } from '../responses.js';
import { readFile, type Steps } from '../steps.js';
import type { AppResponse } from '../types.js';
import { WS_PATHS } from './routes.js';

const folder = join(repoRoot, 'servers', 'app', 'ws');
const pagePath = join(folder, 'page.html');

/** `/ws/`: the course's WebSocket page (echo, countdown, chat, and its own code), read from disk as the static site is. */
export function* wsPage(): Steps<AppResponse> {
  const bytes = yield* readFile(pagePath, folder);
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: bytes };
}

export function isWsPath(path: string): boolean {
  return (WS_PATHS as readonly string[]).includes(path);
}

/** A plain HTTP request on a WebSocket path: 426 says what to do instead. */
export function upgradeRequired(path: string): AppResponse {
  return jsonError(426, `${path} speaks WebSocket: open it with new WebSocket("ws://…${path}"), or see the page at /ws/`, { upgrade: 'websocket', connection: 'Upgrade' });
}
