/** Narrows a string to one of a closed list of names (models, workloads, profiles…). */
export function isOneOf<const T extends string>(names: readonly T[], value: string): value is T {
  return (names as readonly string[]).includes(value);
}
