// Polling with a deadline: the suite never sleeps a fixed long time, it waits for a condition.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Extra detail for the timeout message (e.g. what was seen last). */
  detail?: () => string | Promise<string>;
}

/**
 * Calls `probe` until it returns something other than `undefined`/`false`, and returns that.
 * A probe that throws is retried (the last error goes into the timeout message).
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs, intervalMs = 500, detail }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const extra = detail ? `\n${await detail()}` : '';
      const cause = lastError
        ? `\nlast error: ${(lastError as Error).message ?? String(lastError)}`
        : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}${extra}`);
    }
    await sleep(intervalMs);
  }
}
