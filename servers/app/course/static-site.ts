import { extname, resolve, sep } from 'node:path';
import { jsonError } from '../responses.js';
import { readFile, type Steps } from '../steps.js';
import type { AppResponse } from '../types.js';
import { staticRoot } from './paths.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Maps the raw path after `/static/` to a file inside the static folder, or null when it could leave it.
 * Checked after decoding, so `..`, `%2e%2e`, `%2f`, backslashes, absolute paths and NUL all fail here.
 */
export function resolveStaticPath(rawRelative: string, root: string = staticRoot): string | null {
  let relative: string;
  try {
    relative = decodeURIComponent(rawRelative);
  } catch {
    return null; // malformed percent-encoding
  }
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  if (relative.includes('\0') || relative.includes('\\') || relative.startsWith('/')) return null;
  if (relative.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) return null;
  const full = resolve(root, relative);
  // Belt and braces: whatever the checks above missed, the resolved path must stay inside the folder.
  return full.startsWith(root + sep) ? full : null;
}

export function* staticFile(rawRelative: string): Steps<AppResponse> {
  const path = resolveStaticPath(rawRelative);
  const notFound = jsonError(404, 'Static file not found');
  if (path === null) return notFound;
  let bytes: Uint8Array;
  try {
    bytes = yield* readFile(path, staticRoot);
  } catch {
    return notFound; // missing file, a folder, or a link that leads outside the folder
  }
  const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
  return { status: 200, headers: { 'content-type': type }, body: bytes };
}
