/**
 * What a shared run gives away: the hub keeps what the class page needs and drops what identifies a person or a
 * machine beyond the class. The results file is validated first (unknown keys are dropped by the schema); then the
 * machine's host name goes, and any absolute path in a text (a user's home folder names the user) becomes <path>.
 */
import type { Results } from '../results/schema.js';

/** An absolute path of a Unix or Windows machine, up to the next space or quote. */
const PATH = /(?:\/(?:home|Users|root|tmp|var|private|opt|srv|mnt|media|work|usr|etc|run)\/[^\s"'`)<>,;]*|[A-Za-z]:\\[^\s"'`)<>,;]*)/g;

function scrub(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(PATH, '<path>');
  if (Array.isArray(value)) return value.map(scrub);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
  return value;
}

export function forTheClass(results: Results): Results {
  const machine: Partial<Results['machine']> = { ...results.machine };
  delete machine.hostname;
  return scrub({ ...results, machine }) as Results;
}
