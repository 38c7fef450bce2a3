import { type Client, Connection } from '@temporalio/client';
import type { Config } from '../config/config.js';
import { botTexts } from '../texts/bot.js';
import { serviceClient } from '../temporal/data-converter.js';
import { readSyncStatus, requestSync, syncFinished } from '../temporal/sync-control.js';
import type { SyncStatus } from '../workflows/branch-sync-types.js';

export interface SyncOptions {
  branch?: string;
  full: boolean;
  wait: boolean;
  json: boolean;
}

interface Outcome {
  branch: string;
  status: 'requested' | 'succeeded' | 'failed';
  error?: string;
  counts?: SyncStatus['progress'];
  /** Records Postgres refused (in `sync_rejects`); only when there were some, like `error`. */
  rejects?: number;
}

/**
 * `rentprog-flow sync [branch] [--full] [--wait] [--json]`: asks for a sync now; with
 * --wait, shows a progress bar per branch until the runs finish. Exit code 1 on failure.
 */
export async function runSync(config: Config, options: SyncOptions): Promise<number> {
  if (options.branch && !config.branches.includes(options.branch)) {
    throw new Error(`unknown branch "${options.branch}" (branches: ${config.branches.join(', ')})`);
  }
  const branches = options.branch ? [options.branch] : config.branches;
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = serviceClient(connection, config.temporal);
  try {
    const requested = await requestSync(client, branches, options.full ? { full: true } : {}, config);
    const outcomes: Outcome[] = options.wait
      ? await Promise.all(
          requested.map((r) =>
            r.error
              ? failed(r.branch, botTexts.syncError(r.error))
              : waitFor(client, r.branch, r.runsBefore!),
          ),
        )
      : requested.map((r) =>
          r.error
            ? { branch: r.branch, status: 'failed', error: botTexts.syncError(r.error) }
            : { branch: r.branch, status: 'requested' },
        );
    print(outcomes, options.json);
    return outcomes.some((o) => o.status === 'failed') ? 1 : 0;
  } finally {
    await connection.close();
  }
}

const failed = (branch: string, error: string): Promise<Outcome> =>
  Promise.resolve({ branch, status: 'failed', error });

async function waitFor(client: Client, branch: string, runsBefore: number): Promise<Outcome> {
  let shown = '';
  for (;;) {
    const state = await readSyncStatus(client, branch);
    if ('error' in state) return { branch, status: 'failed', error: botTexts.syncError(state.error) };
    const { status } = state;
    if (syncFinished(status, runsBefore)) {
      const run = status.lastRun!;
      return {
        branch,
        status: run.status,
        counts: run.counts,
        ...(run.rejects > 0 ? { rejects: run.rejects } : {}),
        ...(run.errors[0] ? { error: run.errors[0] } : {}),
      };
    }
    const line = progressBar(branch, status);
    if (line !== shown) process.stderr.write(`${line}\n`);
    shown = line;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** RentProg gives no totals, so the last run's page count stands in for "all of it". */
function progressBar(branch: string, status: SyncStatus): string {
  const current = status.current;
  if (!current) return `${branch.padEnd(16)} waiting`;
  const expected = status.lastRun?.counts[current.kind]?.pages ?? 0;
  const share = expected > 0 ? Math.min(1, (current.page - 1) / expected) : 0;
  const filled = Math.round(share * 20);
  return `${branch.padEnd(16)} ${current.kind.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] page ${current.page}, ${current.fetched} rows`;
}

function print(outcomes: Outcome[], json: boolean): void {
  if (json) return void console.log(JSON.stringify(outcomes, null, 2));
  for (const o of outcomes) {
    const counts = o.counts
      ? ` — ${o.counts.cars?.fetched ?? 0} cars, ${o.counts.clients?.fetched ?? 0} clients, ${o.counts.bookings?.fetched ?? 0} bookings`
      : '';
    const rejects = o.rejects ? `, ${o.rejects} not stored (see sync_rejects)` : '';
    console.log(
      `${o.status === 'failed' ? '✗' : '✓'} ${o.branch}: ${o.status}${counts}${rejects}${o.error ? ` (${o.error})` : ''}`,
    );
  }
}
