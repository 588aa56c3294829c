/**
 * Polls `check` every 50 ms until it returns a truthy value, and returns that value; throws after
 * `timeoutMs`, naming `what` was awaited (a function is asked at that moment, to tell the last state).
 */
export async function waitFor<T>(check: () => Promise<T> | T, what: string | (() => string), timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
