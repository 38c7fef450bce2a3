/**
 * What the benchmarks share: the real service as a child process (so its peak RSS is its
 * own), waiting for its syncs, and readings of its /metrics.
 */
import type { Client } from '@temporalio/client';
import { CLI_BIN, type RunningProcess, runToSuccess, startProcess } from '../harness/processes.js';
import { syncStatus } from '../harness/sync-status.js';
import { waitFor } from '../harness/wait.js';
import type { RunSummary } from '../src/workflows/branch-sync-types.js';

/** Where the benchmarks make their databases; the machine's Postgres unless BENCH_DATABASE_URL says otherwise. */
export const BENCH_ADMIN_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Node with `args` in a child process with exactly `env` (plus PATH); its stderr shows
 * on ours. A service (`profile`) writes a V8 CPU profile into BENCH_PROFILE_DIR when set.
 */
function startNode(
  args: string[],
  env: Record<string, string | undefined>,
  profile: boolean,
): RunningProcess {
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const profiling = profile && profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return startProcess(process.execPath, [...profiling, ...args], { env, echoStderr: true });
}

/** A benchmark script (`tsx`) to its end; what it printed. A whole benchmark may take an hour. */
export const runScript = (
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  { profile = false } = {},
) => runToSuccess(startNode(['--import', 'tsx', script, ...args], env, profile), 3 * 60 * 60_000);

/** The service (`rentprog-flow start --role …`) with the given environment. */
export function spawnService(role: 'all' | 'worker', env: Record<string, string>): RunningProcess {
  return startNode([CLI_BIN, 'start', '--role', role], env, true);
}

/** A branch's first finished sync run; fails at once if the service dies meanwhile. */
export function firstSyncRun(
  client: Client,
  branch: string,
  service: RunningProcess,
  timeoutMs: number,
): Promise<RunSummary> {
  return waitFor(
    async () => {
      if (!service.running)
        throw new Error(`the service exited (${service.exitDescription}) during the sync`);
      return (await syncStatus(client, branch))?.lastRun ?? undefined;
    },
    { timeoutMs, what: `the first sync of ${branch}` },
  );
}

/** The sum of a Prometheus series over every label set that has all of `labels`. */
export async function scrapeSum(
  metricsUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`))) sum += Number(match[3]);
  }
  return sum;
}

export const quantile = (sorted: number[], q: number) =>
  Math.round(sorted[Math.floor(q * (sorted.length - 1))] ?? 0);
