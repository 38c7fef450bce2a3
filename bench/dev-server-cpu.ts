import { readFileSync, readdirSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in hundredths of a second. */
const TICK_MS = 10;

/**
 * The CPU time (ms) the dev server on `address` has used so far, read from /proc: it is a
 * child of this process, found by the port on its command line. Always 0 where there is no
 * /proc, so the figure is missing rather than the run.
 */
export function devServerCpu(address: string): () => number {
  const port = address.split(':').pop()!;
  const pid = childPids().find((child) => {
    const args = read(`/proc/${child}/cmdline`).split('\0');
    return args.includes('start-dev') && args[args.indexOf('--port') + 1] === port;
  });
  return () => {
    if (pid === undefined) return 0;
    // The fields after the command name, which may itself hold spaces and parentheses.
    const fields = read(`/proc/${pid}/stat`).split(') ').pop()?.split(' ') ?? [];
    return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * TICK_MS;
  };
}

function childPids(): string[] {
  try {
    return readdirSync(`/proc/${process.pid}/task`).flatMap((task) =>
      read(`/proc/${process.pid}/task/${task}/children`).split(' ').filter(Boolean),
    );
  } catch {
    return [];
  }
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
