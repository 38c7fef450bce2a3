// Saving the fuzz drill's thousands of histories takes the longest step, about 30 s.
const STEP_LIMIT_MS = 180_000;

/**
 * Things to stop at the end of a drill, stopped in reverse order even when one of them
 * fails or hangs, so one stuck step never keeps the others (and the run) from ending.
 */
export class Teardown {
  private readonly steps: { what: string; step: () => Promise<unknown> }[] = [];

  add(what: string, step: () => Promise<unknown>): void {
    this.steps.push({ what, step });
  }

  async run(): Promise<void> {
    for (const { what, step } of this.steps.reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no end after ${STEP_LIMIT_MS / 1000} s`)), STEP_LIMIT_MS);
      });
      await Promise.race([step(), limit])
        .catch((err: unknown) =>
          console.error(`  teardown of ${what} failed: ${err instanceof Error ? err.message : String(err)}`),
        )
        .finally(() => clearTimeout(timer));
    }
    this.steps.length = 0;
  }
}
