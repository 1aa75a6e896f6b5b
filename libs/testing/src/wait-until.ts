export interface WaitUntilOptions {
  timeoutMs?: number;
  intervalMs?: number;
  message?: string;
}

/**
 * Polls `predicate` until it answers true. A predicate that throws counts as "not yet"; the last
 * error is quoted if the wait times out.
 */
export async function waitUntil(predicate: () => Promise<boolean> | boolean, opts: WaitUntilOptions = {}): Promise<void> {
  const { timeoutMs = 10_000, intervalMs = 25 } = opts;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const reason = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
  throw new Error(`${opts.message ?? 'condition not met'} within ${timeoutMs} ms${reason}`);
}
