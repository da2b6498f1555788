/**
 * A student's name on the class page: printable text of 1 to 40 characters, kept as text (pages show it with
 * textContent; it is never a path). The bench checks it before a run and the hub on every upload, with this one rule,
 * so that a name the bench accepts is never refused by the hub after a whole run.
 */
export const NAME_MAX = 40;

/** Why a name cannot be used, or null when it can (after trimming). */
export function nameProblem(raw: string): string | null {
  const name = raw.trim();
  if (name === '') return 'missing';
  if (name.length > NAME_MAX) return `longer than ${NAME_MAX} characters`;
  // Control and format characters (line breaks, bidirectional overrides) would garble a terminal, a CSV or a page.
  if (/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(name)) return 'control characters are not allowed';
  return null;
}
