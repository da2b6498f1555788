import { accessSync, constants, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { messageOf } from './errors.js';
import { t } from './lang/lang.js';

/**
 * Makes sure `dir` exists, creating missing folders one level at a time. Not `mkdirSync(dir, { recursive: true })`:
 * on Node.js 20 that loops forever, at 100% CPU and deaf to signals, under a folder where mkdir answers ENOENT
 * for an existing parent (/proc, /sys). Throws one line.
 */
export function ensureDir(dir: string): string {
  const target = resolve(dir);
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    try {
      if (!statSync(existing).isDirectory()) throw new Error(t('file.notFolder', { path: existing }));
      break;
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(t('file.cannotUse', { path: target, reason: messageOf(error) }));
      const parent = dirname(existing);
      if (parent === existing) throw new Error(t('file.noFolder', { path: target }));
      missing.unshift(existing);
      existing = parent;
    }
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(t('file.cannotCreate', { path: folder, reason: (error as NodeJS.ErrnoException).code ?? messageOf(error) }));
    }
  }
  return target;
}

/** ensureDir, then proof that a file can be written there: checked before a run starts, not after its first case. */
export function ensureWritableDir(dir: string): void {
  const target = ensureDir(dir);
  try {
    accessSync(target, constants.W_OK);
    // Some folders pass access() and still refuse files (read-only mounts, /proc): try one.
    const probe = join(target, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error: unknown) {
    throw new Error(t('file.cannotWrite', { path: target, reason: (error as NodeJS.ErrnoException).code ?? messageOf(error) }));
  }
}

/** Writes a whole file or nothing: a temporary file beside it, then a rename (a killed run leaves no half file). */
export function writeFileAtomically(path: string, text: string): void {
  ensureDir(dirname(path));
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
