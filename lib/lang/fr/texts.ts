/** Les textes français d'une partie du laboratoire (voir ../fr.ts) : les mêmes clés qu'en anglais. */
import type { textsEn } from '../en/texts.js';

export const textsFr: Readonly<Record<keyof typeof textsEn, string>> = {
};
