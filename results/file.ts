import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Results } from './schema.js';
import { readAnyVersion } from './upgrade.js';
import { messageOf } from '../lib/errors.js';
import { writeFileAtomically } from '../lib/files.js';
import { t } from '../lib/lang/lang.js';

/**
 * Indented for people, except lists of plain values (a timeline's columns, a trial's marks, the cores' speeds): each
 * on one line, not one value per line. A line break in indented JSON is never inside a string, so joining the lines
 * of a list that holds no object or list changes only its layout.
 */
export function resultsJson(results: Results): string {
  // A trial's timeline is one line (its columns are long, its keys many): put in place of a marker no data can hold.
  const marker = `timeline-${randomBytes(8).toString('hex')}`;
  const timelines: string[] = [];
  const text = JSON.stringify(
    results,
    (key, value: unknown) => {
      if (key !== 'timeline' || typeof value !== 'object' || value === null) return value;
      timelines.push(JSON.stringify(value));
      return `${marker}-${timelines.length - 1}`;
    },
    2,
  ).replace(new RegExp(`"${marker}-(\\d+)"`, 'g'), (_, i: string) => timelines[Number(i)] ?? 'null');
  return text.replace(/\[\n[^[\]{}]*?\n\s*\]/g, (list) => list.replace(/\n\s*/g, (gap, offset: number) => (offset === 1 || offset + gap.length === list.length - 1 ? '' : ' ')));
}

/** Writes atomically: a temporary file, then a rename, so a killed run never leaves half a file. */
export function writeResultsFile(path: string, results: Results): void {
  writeFileAtomically(path, resultsJson(results) + '\n');
}

/** Reads and validates a results file; the error says which file and what is wrong, in one line. */
export function readResultsFile(path: string): Results {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? t('file.missing', { path }) : t('file.unreadable', { path, reason: String(code ?? error) }));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(t('file.notJson', { path }));
  }
  try {
    return readAnyVersion(json);
  } catch (error: unknown) {
    throw new Error(`${path}: ${messageOf(error)}`);
  }
}
