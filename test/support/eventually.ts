/**
 * Polls `check` every 50 ms until it returns a truthy value, or throws after `timeoutMs` naming
 * `what`. For state a test can see only after the fact, e.g. a mapping the bridge records after
 * the homeserver already shows the event.
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
