/** Polls until the check holds or the time is up (then checks once more); returns whether it held. */
export async function eventually(check: () => boolean | Promise<boolean>, withinMs = 2000, everyMs = 25): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return check();
}
