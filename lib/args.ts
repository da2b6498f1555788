import { messageOf } from './errors.js';

/** One short line for a parseArgs failure (its own messages run long and suggest `--`). */
export function argsErrorMessage(error: unknown): string {
  const message = messageOf(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown !== null) return `unknown option '${unknown[1] ?? ''}'`;
  const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(message);
  if (ambiguous !== null) return `option '${ambiguous[1] ?? ''}' needs a value; for a value that starts with '-', write ${ambiguous[1] ?? ''}=VALUE`;
  return message.split('\n')[0] ?? message;
}

/** Parses a whole non-negative integer written in digits only: no sign, no exponent, no decimals. */
export function parseWholeNumber(raw: string): number | null {
  if (!/^\d{1,15}$/.test(raw)) return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : null;
}
