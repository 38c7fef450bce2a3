/** Things to stop at the end of a drill, stopped in reverse order even when one of them fails. */
export class Teardown {
  private readonly steps: { what: string; step: () => Promise<unknown> }[] = [];

  add(what: string, step: () => Promise<unknown>): void {
    this.steps.push({ what, step });
  }

  async run(): Promise<void> {
    for (const { what, step } of this.steps.reverse()) {
      await step().catch((err: unknown) =>
        console.error(`  teardown of ${what} failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    this.steps.length = 0;
  }
}
