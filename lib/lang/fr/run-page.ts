/** Les textes français d'une partie du laboratoire (voir ../fr.ts) : les mêmes clés qu'en anglais. */
import type { runPageEn } from '../en/run-page.js';

export const runPageFr: Readonly<Record<keyof typeof runPageEn, string>> = {
};
