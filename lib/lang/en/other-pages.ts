/** English texts of one part of the lab (see ../en.ts): keys are unique across parts. */
export const otherPagesEn = {
} as const;
