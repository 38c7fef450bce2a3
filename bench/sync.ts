/**
 * Sync benchmark: a full sync of one branch by the real worker process (`rentprog-flow
 * worker`, a child process so its peak RSS is its own) against the simulator, on a
 * local dev server and a fresh Postgres database (or PGlite). Not a test: prints figures.
 *
 *   npx tsx bench/sync.ts [bookings=10000] [latencyMs=0]
 */
import { startBenchDevServer } from './dev-server.js';
import { Client, Connection } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Simulator } from '../src/simulator/simulator.js';
import {
  branchSyncWorkflowId,
  type SyncStatus,
  syncStatusQuery,
} from '../src/workflows/branch-sync-types.js';

const bookings = Number(process.argv[2] ?? 10_000);
const latencyMs = Number(process.argv[3] ?? 0);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function main() {
  const env = await startBenchDevServer();
  const companyToken = randomBytes(16).toString('hex');
  const sim = await new Simulator({
    branches: [{ name: 'tbilisi', companyToken, bookings }],
    seed: 11,
  }).start();
  sim.setFault('*', { latencyMs });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-bench-'));
  const dbName = `rentprog_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = await createDatabase(dbName);

  const child = spawn(process.execPath, ['bin/rentprog-flow.js', 'worker'], {
    env: {
      PATH: process.env.PATH,
      RENTPROG_BRANCH_KEYS: JSON.stringify({ tbilisi: companyToken }),
      RENTPROG_WEBHOOK_SECRETS: '{"tbilisi":"bench"}',
      RENTPROG_BASE_URL: sim.baseUrl,
      RENTPROG_MAX_RPM: '1000000',
      RENTPROG_MAX_PAGES: '100000',
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: 'bench',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const started = Date.now();
  const connection = await Connection.connect({ address: env.address });
  const client = new Client({ connection });
  let status: SyncStatus | undefined;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    status = await client.workflow
      .getHandle(branchSyncWorkflowId('tbilisi'))
      .query(syncStatusQuery)
      .catch(() => undefined);
    if (status?.lastRun) break;
    if (child.exitCode !== null) throw new Error(`the worker exited with ${child.exitCode}`);
    if (Date.now() - started > 30 * 60_000) throw new Error('sync did not finish in 30 minutes');
  }
  const peakRssMb = await peakRss(child.pid!);
  const run = status.lastRun;
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  const rows = Object.values(run.counts).reduce((sum, c) => sum + (c?.fetched ?? 0), 0);
  const requests = sim.requests.count();
  console.log(
    JSON.stringify({
      bookings,
      latencyMs,
      database: databaseUrl ? 'postgres' : 'pglite',
      status: run.status,
      seconds: Number(seconds.toFixed(1)),
      rows,
      rowsPerSecond: Math.round(rows / seconds),
      requests,
      requestsPerSecond: Math.round(requests / seconds),
      workerPeakRssMb: peakRssMb,
    }),
  );

  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await connection.close();
  await sim.stop();
  await env.teardown();
  await dropDatabase(dbName);
  await rm(dataDir, { recursive: true, force: true });
}

/** The worker's high-water mark of resident memory, from /proc (Linux). */
async function peakRss(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(text)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function createDatabase(name: string): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch {
    return undefined; // no Postgres here: the worker uses PGlite
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(name: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  await admin.end().catch(() => undefined);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
