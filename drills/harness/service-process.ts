import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/cli/temporal-cli.js';
import type { Evidence } from './evidence.js';
import { waitUntil } from './wait.js';

const BIN = path.join(PROJECT_ROOT, 'bin', 'rentprog-flow.js');

/** One real `rentprog-flow` process; its output is kept to wait on and, as evidence, for the secrets scan. */
export class ServiceProcess {
  output = '';
  readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    evidence: Evidence,
  ) {
    const log = evidence.logFile(name);
    const keep = (chunk: Buffer) => {
      this.output += chunk.toString();
      log.write(chunk);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = once(child, 'close').then(() => new Promise<void>((resolve) => log.end(resolve)));
  }

  static start(name: string, args: string[], env: NodeJS.ProcessEnv, evidence: Evidence): ServiceProcess {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(name, child, evidence);
  }

  /** Runs a one-shot command (e.g. `migrate`) to its end; throws with its output if it fails. */
  static async run(name: string, args: string[], env: NodeJS.ProcessEnv, evidence: Evidence): Promise<void> {
    const command = ServiceProcess.start(name, args, env, evidence);
    await command.exited;
    if (command.child.exitCode !== 0) {
      throw new Error(`rentprog-flow ${args.join(' ')} exited ${command.child.exitCode}: ${command.output}`);
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get exitDescription(): string {
    return this.child.signalCode ?? `exit code ${this.child.exitCode}`;
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    await waitUntil(
      () => {
        if (!this.running && !pattern.test(this.output)) {
          throw new Error(`${this.name} ended (${this.exitDescription}) before ${pattern}:\n${this.output}`);
        }
        return pattern.test(this.output);
      },
      `${pattern} in the output of ${this.name}`,
      timeoutMs,
    );
  }

  /** Sends `signal` and waits until the process is gone; SIGKILL if it is still there after 30 s. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.running) this.child.kill(signal);
    const forced = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(forced);
  }

  /** Resident memory now and at its peak, in MiB (Linux /proc). */
  async memory(): Promise<{ rssMb: number; peakMb: number }> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const mb = (field: string) =>
      Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]) / 1024);
    return { rssMb: mb('VmRSS'), peakMb: mb('VmHWM') };
  }
}
