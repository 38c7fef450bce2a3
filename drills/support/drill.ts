import type { DrillSecrets } from './secrets.js';
import type { Evidence } from './evidence.js';
import type { Teardown } from './teardown.js';

export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

/** What a drill hands back: figures to report, and the checks that decide PASS or FAIL. */
export class DrillReport {
  readonly figures: { label: string; value: string | number }[] = [];
  readonly checks: Check[] = [];

  figure(label: string, value: string | number): void {
    this.figures.push({ label, value });
  }

  check(name: string, ok: boolean, detail?: string): void {
    this.checks.push({ name, ok, ...(detail === undefined ? {} : { detail }) });
  }

  get passed(): boolean {
    return this.checks.length > 0 && this.checks.every((check) => check.ok);
  }
}

/** What every drill of one run shares. */
export interface DrillContext {
  secrets: DrillSecrets;
  evidence: Evidence;
  /** The Temporal CLI binary. */
  temporalCli: string;
  /** A scratch directory of this run, removed at the end. */
  workDir: string;
  /** One line of progress on the console. */
  log(line: string): void;
}

export interface Drill {
  title: string;
  /** What it does and what must hold, for results.md. */
  summary: string;
  /** Registers whatever it starts with `teardown`, which the runner runs even after a timeout. */
  run(context: DrillContext, report: DrillReport, teardown: Teardown): Promise<void>;
}
