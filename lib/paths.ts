import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file whether it runs from the sources or from dist/. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (package.json)');
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRoot();
/** Where `npm run bench` writes runs unless told otherwise: <dir>/<run-id>/results.json. */
export const DEFAULT_RUNS_DIR = join(repoRoot, 'reports', 'runs');
