/** Les textes français d'une partie du laboratoire (voir ../fr.ts) : les mêmes clés qu'en anglais. */
import type { terminalEn } from '../en/terminal.js';

export const terminalFr: Readonly<Record<keyof typeof terminalEn, string>> = {
};
