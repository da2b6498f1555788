import { speaker } from './lang/sentences.js';

/** The message of anything thrown, for one-line errors: an Error's message, or the value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A text for the terminal: one this process made with sentence() (English, as a results file keeps it) in the current
 * language, with the sentences it holds (a reason inside a reason) said so too; any other text as it is.
 */
export function spoken(text: string): string {
  return speaker(undefined)(text);
}

/** The message of anything thrown, for the terminal: in the current language where it is a sentence of the catalogue. */
export function spokenMessage(error: unknown): string {
  return spoken(messageOf(error));
}
