// `rentprog-flow start` runs the service in a child Node started with memory settings of
// its own. V8 sizes its heap once, at start, from the machine (about 4 GB on a 24 GiB
// host) and collects lazily below that, so a service whose working set is a few pages of
// bookings sat at 600 MB. Node takes heap limits only as flags, hence the child; the
// launcher itself stays a few MB. An operator's own --max-old-space-size (in NODE_OPTIONS
// or on the command line) wins, and then nothing is relaunched.
import { spawn } from 'node:child_process';
import os from 'node:os';

export const MEMORY_FLAGS = ['--max-old-space-size=192', '--max-semi-space-size=4'];
const CHILD_MARK = 'RENTPROG_FLOW_LAUNCHED';

/** Whether this process should hand `start` to a child with the memory defaults. */
export function wantsMemoryDefaults() {
  if (process.argv[2] !== 'start' || process.env[CHILD_MARK]) return false;
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return !given.some((flag) => flag.startsWith('--max-old-space-size'));
}

/**
 * Runs `script` with the same arguments in a child with the memory defaults, passes it
 * SIGINT and SIGTERM, and ends as it ends. The child is in a process group of its own, so
 * a terminal's Ctrl-C reaches it once, through here.
 */
export function relaunchWithMemoryDefaults(script) {
  // The launcher's own Node options (--cpu-prof, --import …) go to the service too.
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...MEMORY_FLAGS, script, ...process.argv.slice(2)],
    {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      detached: true,
      // Fewer malloc arenas: the native threads (Temporal's core, libuv) otherwise each grow one.
      env: { MALLOC_ARENA_MAX: '2', ...process.env, [CHILD_MARK]: '1' },
    },
  );
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, forward);
  child.on('error', (err) => {
    console.error(`rentprog-flow: could not start the service process: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (code !== null) process.exit(code);
    process.exit(128 + (os.constants.signals[signal] ?? 0));
  });
}

/**
 * In the child: dies with the launcher. A launcher killed outright (kill -9, the OOM
 * killer) must not leave a service running that nobody can stop.
 */
export function followLauncher() {
  if (!process.env[CHILD_MARK] || !process.channel) return;
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
