/** A pause that never keeps the process alive on its own (unref'd): a pending grace period or poll
 * interval must not hold the bench open after its work is done. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
