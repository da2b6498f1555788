/**
 * A run on its way into the hub: read, validated (a version-1 file upgraded), stripped of what the class need not
 * know (hub/sanitize.ts) and summarised for the class page (reports/classroom/class-run.ts). Pure and synchronous:
 * the hub runs it on a thread of its own (hub/intake-worker.ts), the offline commands (--add) here.
 */
import { messageOf } from '../lib/errors.js';
import { summarizeRun, type ClassRunSummary } from '../reports/classroom/class-run.js';
import { readAnyVersion } from '../results/upgrade.js';
import { BOUNDS } from '../results/schema.js';
import { forTheClass } from './sanitize.js';

export interface Intake {
  /** The file as the hub keeps it and serves it back. */
  readonly json: string;
  readonly summary: ClassRunSummary;
  readonly runId: string;
  readonly cases: number;
}

export type IntakeOutcome = Intake | { readonly error: string };

/** The longest list and text of a results file (results/schema.ts bounds them one by one, and more tightly). */
const LONGEST = { list: BOUNDS.cases, text: 4000 } as const;

/**
 * The first list or text longer than any a results file may hold, by its path; null when none is. One pass over the
 * parsed value, before the schema: a file of 60,000 cases or 100,000 options is refused at once, not validated.
 */
export function oversized(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.length > LONGEST.text ? `${path || 'the file'}: a text longer than ${LONGEST.text} characters` : null;
  if (Array.isArray(value)) {
    if (value.length > LONGEST.list) return `${path || 'the file'}: a list of more than ${LONGEST.list} items`;
    for (const [i, item] of value.entries()) {
      const found = oversized(item, `${path}.${i}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = oversized(item, path === '' ? key.slice(0, 40) : `${path}.${key.slice(0, 40)}`);
      if (found !== null) return found;
    }
  }
  return null;
}

/** Nesting a results file never reaches (it holds objects in lists in objects, a few levels deep). */
const MAX_DEPTH = 32;

/**
 * How deep the JSON text nests, counted before it is parsed (an 8 MB file of "[" would exhaust the parser's stack
 * and the reader's memory): one pass over the characters, skipping strings; stops as soon as `limit` is passed.
 */
export function nestingDepth(text: string, limit = MAX_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

export function intake(text: string): IntakeOutcome {
  if (nestingDepth(text) > MAX_DEPTH) return { error: `not a results file this hub takes: nested more than ${MAX_DEPTH} levels deep` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: 'body: not JSON' };
  }
  const tooLong = oversized(parsed);
  if (tooLong !== null) return { error: `not a results file this hub takes: ${tooLong}` };
  try {
    const results = forTheClass(readAnyVersion(parsed));
    return { json: JSON.stringify(results), summary: summarizeRun(results), runId: results.runId, cases: results.cases.length };
  } catch (error: unknown) {
    return { error: messageOf(error) };
  }
}
