import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { PROJECT_ROOT } from '../src/cli/temporal-cli.js';
import { waitFor } from './wait.js';

/** The `rentprog-flow` command as an operator runs it. */
export const CLI_BIN = path.join(PROJECT_ROOT, 'bin', 'rentprog-flow.js');

export interface ProcessOptions {
  /** Its whole environment, plus PATH: nothing else of ours leaks in. */
  env: Record<string, string | undefined>;
  /** Names it in errors. */
  name?: string;
  /** Where it runs; the project's root by default. */
  cwd?: string;
  /** A file for its output as it arrives (a drill's evidence); ended once the process is gone. */
  log?: Writable;
  /** Its stderr on ours too, for a long run someone watches (the benchmarks). */
  echoStderr?: boolean;
}

/** A child process with its output kept, to wait on a line of it and to stop it cleanly. */
export class RunningProcess {
  stdout = '';
  stderr = '';
  /** stdout and stderr as they came. */
  output = '';
  /** Resolves once the process is gone and its log is written; rejects if it could not start. */
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    options: ProcessOptions,
  ) {
    const keep = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      this[stream] += chunk.toString();
      this.output += chunk.toString();
      options.log?.write(chunk);
      if (stream === 'stderr' && options.echoStderr) process.stderr.write(chunk);
    };
    child.stdout?.on('data', keep('stdout'));
    child.stderr?.on('data', keep('stderr'));
    const log = options.log;
    this.exited = once(child, 'close').then(() => log && new Promise<void>((resolve) => log.end(resolve)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get exitCode(): number | null {
    return this.child.exitCode;
  }

  get exitDescription(): string {
    return this.child.signalCode ?? `exit code ${this.child.exitCode}`;
  }

  /** The first match of `pattern` in its output; fails at once if the process ends without one. */
  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return waitFor(
      () => {
        const match = pattern.exec(this.output);
        if (!match && !this.running)
          throw new Error(`${this.name} ended (${this.exitDescription}) before ${pattern}:\n${this.tail()}`);
        return match ?? undefined;
      },
      { timeoutMs, intervalMs: 100, what: () => `${pattern} in the output of ${this.name}:\n${this.tail()}` },
    );
  }

  /** The end of its output, enough to say why it failed without flooding the error. */
  tail(): string {
    return this.output.slice(-4000);
  }

  /** Sends `signal` and waits until the process is gone; SIGKILL if it is still there after `forceAfterMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', forceAfterMs = 30_000): Promise<void> {
    if (this.running) this.child.kill(signal);
    const forced = setTimeout(() => this.child.kill('SIGKILL'), forceAfterMs);
    await this.exited;
    clearTimeout(forced);
  }

  memory(): Promise<{ rssMb: number; peakMb: number }> {
    return memoryOf(this.pid);
  }
}

/**
 * Resident memory, now and at its peak, in MiB (Linux /proc), of a process and every
 * process it started: `rentprog-flow start` is a small launcher with the service in its
 * child (bin/memory-defaults.js), and a service run from the sources has tsx's esbuild
 * beside it. A parent with children counts only its anonymous memory: its file pages are
 * the Node binary its child maps too. Peaks are summed, so the figure is an upper bound.
 */
export async function memoryOf(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  const children = await childrenOf(pid);
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  let rss = children.length > 0 ? kb('RssAnon') : kb('VmRSS');
  let peak = children.length > 0 ? kb('RssAnon') : kb('VmHWM');
  for (const child of children) {
    const memory = await memoryOf(child).catch(() => ({ rssMb: 0, peakMb: 0 }));
    rss += memory.rssMb * 1024;
    peak += memory.peakMb * 1024;
  }
  return { rssMb: Math.round(rss / 1024), peakMb: Math.round(peak / 1024) };
}

async function childrenOf(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => []);
  const lists = await Promise.all(
    tasks.map((task) => readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '')),
  );
  return lists.flatMap((list) => list.split(' ').filter(Boolean).map(Number));
}

/** Starts `command` with exactly `options.env` (plus PATH). */
export function startProcess(command: string, args: string[], options: ProcessOptions): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new RunningProcess(options.name ?? path.basename(command), child, options);
}

/** The real `rentprog-flow` binary, e.g. `startCli(['start', '--role', 'worker'], { env })`. */
export function startCli(args: string[], options: ProcessOptions): RunningProcess {
  return startProcess(process.execPath, [CLI_BIN, ...args], {
    ...options,
    name: options.name ?? `rentprog-flow ${args.join(' ')}`,
  });
}

/**
 * Runs a process to its end without blocking this one (the simulator and workers it
 * talks to may live here); SIGKILL and an error if it is not done in `timeoutMs`.
 */
export async function runProcess(
  running: RunningProcess,
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  const outcome = await Promise.race([running.exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    await running.stop('SIGKILL');
    throw new Error(`${running.name} did not finish in ${timeoutMs / 1000} s:\n${running.tail()}`);
  }
  return { code: running.exitCode, stdout: running.stdout, stderr: running.stderr };
}

/** `rentprog-flow <args>` to its end, with its exit code and output. */
export const runCli = (args: string[], env: Record<string, string | undefined>, timeoutMs?: number) =>
  runProcess(startCli(args, { env }), timeoutMs);

/** Runs a one-shot command to its end; throws with its output if it fails. */
export async function runToSuccess(running: RunningProcess, timeoutMs?: number): Promise<string> {
  const { code } = await runProcess(running, timeoutMs);
  if (code !== 0) throw new Error(`${running.name} exited ${code}:\n${running.tail()}`);
  return running.stdout;
}
