export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `done` until it holds; throws, naming what was awaited, when `timeoutMs` runs out. */
export async function waitUntil(
  done: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${Math.round(timeoutMs / 1000)} s: ${what}`);
    await sleep(intervalMs);
  }
}

export const seconds = (ms: number) => Number((ms / 1000).toFixed(1));
