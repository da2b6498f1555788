/**
 * A run's id names its folder and its pages (reports/runs/<id>/, <id>.html, compare-<id>-vs-<id>.html), so a
 * results file must not be able to choose a path through it: only this exact shape is a run id, checked at
 * every read (results/schema.ts). It sorts by time and never collides: 2026-11-27T21-52-02Z-3f9a.
 */
import { randomBytes } from 'node:crypto';

const RUN_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{4}$/;

/** A string known to have the run-id shape: no separator, no dot, no colon, nothing but [0-9a-fTZ-]. */
export type RunId = string & { readonly __brand: 'RunId' };

export const RUN_ID_EXAMPLE = '2026-11-27T21-52-02Z-3f9a';

export function isRunId(value: unknown): value is RunId {
  return typeof value === 'string' && RUN_ID.test(value);
}

export function newRunId(date: Date): RunId {
  const id = `${date.toISOString().slice(0, 19).replaceAll(':', '-')}Z-${randomBytes(2).toString('hex')}`;
  if (!isRunId(id)) throw new Error(`cannot make a run id from ${date.toISOString()}`); // a year past 9999
  return id;
}
