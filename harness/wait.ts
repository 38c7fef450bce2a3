export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** What is awaited, for the error; a function to name the state it was last in. */
  what: string | (() => string);
}

/**
 * Polls `probe` until it returns something other than undefined or false, and returns
 * that; throws, naming what it waited for, when `timeoutMs` runs out. An error the probe
 * throws ends the wait at once (a process that died is not worth waiting on): a probe
 * that expects passing failures catches them itself. For code outside vitest; inside a
 * test, `vi.waitFor` and `expect.poll` do the same.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs, intervalMs = 250, what }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const described = typeof what === 'string' ? what : what();
      throw new Error(`gave up after ${seconds(timeoutMs)} s waiting for ${described}`);
    }
    await sleep(intervalMs);
  }
}

/** Milliseconds as seconds with one decimal, for reports. */
export const seconds = (ms: number) => Number((ms / 1000).toFixed(1));
