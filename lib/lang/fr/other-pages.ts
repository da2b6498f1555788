/** Les textes français d'une partie du laboratoire (voir ../fr.ts) : les mêmes clés qu'en anglais. */
import type { otherPagesEn } from '../en/other-pages.js';

export const otherPagesFr: Readonly<Record<keyof typeof otherPagesEn, string>> = {
};
