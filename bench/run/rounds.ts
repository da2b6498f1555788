/** Fisher–Yates: every order equally likely. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}

/**
 * The order of the base rounds of a cell: every model once per round, in a new shuffled order each round, so
 * that drift of the machine falls on every model alike rather than on whichever ran during the bad minute.
 */
export function interleavedRounds<T>(models: readonly T[], rounds: number, random: () => number): T[][] {
  return Array.from({ length: rounds }, () => shuffled(models, random));
}
