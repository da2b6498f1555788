import { sep } from 'node:path';
import { isVisit, type Visit } from './sessions.js';

/**
 * The application describes the work of a request as steps and never performs a wait itself.
 * A server model picks an interpreter (blocking or non-blocking) that performs the steps: this is
 * how one handler, written once, runs unchanged on every model.
 */
export type Step =
  | { readonly kind: 'cpu'; readonly iterations: number }
  | { readonly kind: 'wait'; readonly ms: number }
  /** A file that must really be inside `folder`: symbolic links are resolved before the check. */
  | { readonly kind: 'readFile'; readonly path: string; readonly folder: string }
  /** Counts a visit of a session (null: none yet) in the store the model chose (see servers/sessions/). */
  | { readonly kind: 'visit'; readonly session: string | null };

/** A handler: a generator that yields steps and returns the answer. */
export type Steps<T> = Generator<Step, T, unknown>;

/** CPU work counted in PBKDF2 iterations: the same amount of work in every model, whatever the clock says. */
export function* cpu(iterations: number): Steps<string> {
  const digest = yield { kind: 'cpu', iterations };
  if (typeof digest !== 'string') throw new TypeError('cpu step must produce a hex digest');
  return digest;
}

/** Waiting, as for a database or a remote service: costs time but no CPU. */
export function* wait(ms: number): Steps<void> {
  yield { kind: 'wait', ms };
}

/** Reading a file of `folder` from disk on each request (the static site); a link that leads out fails. */
export function* readFile(path: string, folder: string): Steps<Uint8Array> {
  const bytes = yield { kind: 'readFile', path, folder };
  if (!(bytes instanceof Uint8Array)) throw new TypeError('readFile step must produce bytes');
  return bytes;
}

/** One more visit of a session: the store may be here, in another thread, or in another process. */
export function* visit(session: string | null): Steps<Visit> {
  const result = yield { kind: 'visit', session };
  if (!isVisit(result)) throw new TypeError('visit step must produce a valid visit');
  return result;
}

/** True when `real` (a resolved path) is inside the resolved `folder`, never the folder itself. */
export function insideFolder(real: string, folder: string): boolean {
  return real.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}
