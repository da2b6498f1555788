import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { validateResults, type Results } from './schema.js';
import { messageOf } from '../lib/errors.js';

/** Writes atomically: a temporary file, then a rename, so a killed run never leaves half a file. */
export function writeResultsFile(path: string, results: Results): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(results, null, 2) + '\n');
  renameSync(temporary, path);
}

/** Reads and validates a results file; the error says which file and what is wrong, in one line. */
export function readResultsFile(path: string): Results {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON`);
  }
  try {
    return validateResults(json);
  } catch (error: unknown) {
    throw new Error(`${path}: ${messageOf(error)}`);
  }
}
