/**
 * Sync benchmark: a full sync of every branch against the simulator, on a local dev
 * server and a fresh Postgres database, by one of
 *  - `flow`: the real service (`rentprog-flow start --role all`, a child process): the
 *    branchSync workflows, a slice of pages per activity, batch upserts;
 *  - `naive`: the original system's way (bench/naive-sync.ts, a child process): fetch
 *    every page into memory, then upsert one row at a time, no checkpoints.
 * Prints one JSON line: entities/s, requests/s, the share of time spent waiting on the
 * API, and the child's peak RSS.
 *
 *   npx tsx bench/sync.ts <flow|naive> <branches> <bookings> <latencyMs> [clients] [cars]
 */
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { Simulator } from '../src/simulator/simulator.js';
import { createPostgresDatabase } from '../harness/database.js';
import { freePort } from '../harness/ports.js';
import { startTemporalDevServer } from '../harness/temporal-dev-server.js';
import { waitFor } from '../harness/wait.js';
import type { RunSummary } from '../src/workflows/branch-sync-types.js';
import { BENCH_ADMIN_URL, firstSyncRun, runScript, scrapeSum, spawnService } from './service-process.js';
import { BranchWebhooks, type StreamResult, webhookTargets } from './branch-webhooks.js';

const [mode = 'flow', branchCount = '1', bookingsText = '10000', latencyText = '0', clientsText, carsText] =
  process.argv.slice(2);
const bookings = Number(bookingsText);
const heapMb = process.env.BENCH_HEAP_MB;
const latencyMs = Number(latencyText);
const BRANCH_NAMES = ['tbilisi', 'batumi', 'kutaisi', 'service-center'];
const branches = BRANCH_NAMES.slice(0, Number(branchCount));
const WEBHOOK_SECRET = 'bench-webhook-secret';
// An operator's day: webhooks keep coming while the sync runs, and must be answered fast.
const WEBHOOKS_PER_SECOND = 10;
const IDLE_STREAM_MS = 15_000;

async function main() {
  const keys = Object.fromEntries(branches.map((b) => [b, randomBytes(16).toString('hex')]));
  const sim = await new Simulator({
    branches: branches.map((name) => ({
      name,
      companyToken: keys[name]!,
      bookings,
      ...(clientsText ? { clients: Number(clientsText) } : {}),
      ...(carsText ? { cars: Number(carsText) } : {}),
    })),
    seed: 11,
  }).start();
  sim.setFault('*', { latencyMs });
  const database = await createPostgresDatabase(BENCH_ADMIN_URL, 'rentprog_bench');
  const env = {
    RENTPROG_BRANCH_KEYS: JSON.stringify(keys),
    RENTPROG_WEBHOOK_SECRETS: JSON.stringify(Object.fromEntries(branches.map((b) => [b, WEBHOOK_SECRET]))),
    RENTPROG_BASE_URL: sim.baseUrl,
    // The simulator has no rate limit; the budget would otherwise be the bottleneck.
    RENTPROG_MAX_RPM: '1000000',
    RENTPROG_MAX_PAGES: '100000',
    DATABASE_URL: database.url,
  };
  try {
    const result = mode === 'naive' ? await naive(env) : await flow(env, sim);
    const requests = sim.requests.count();
    console.log(
      JSON.stringify({
        mode,
        branches: branches.length,
        bookings,
        latencyMs,
        rows: result.rows,
        seconds: Number(result.seconds.toFixed(1)),
        rowsPerSecond: Math.round(result.rows / result.seconds),
        requests,
        requestsPerSecond: Math.round(requests / result.seconds),
        apiShare: `${Math.round(result.apiShare * 100)}%`,
        // The run's time over its time waiting on RentProg (1.00: nothing of ours shows).
        runOverWait: Number((1 / result.apiShare).toFixed(3)),
        peakRssMb: result.peakRssMb,
        heapCapMb: heapMb ?? 'service default',
        ...result.webhooks,
      }),
    );
  } finally {
    await sim.stop();
    await database.drop();
  }
}

async function flow(env: Record<string, string>, sim: Simulator) {
  const server = await startTemporalDevServer();
  const port = await freePort();
  const service = spawnService('all', {
    ...env,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'bench',
    PORT: String(port),
    // BENCH_HEAP_MB caps V8's old space, so peak RSS shows what a run needs rather than
    // how lazily V8 collects when memory is plentiful.
    ...(heapMb ? { NODE_OPTIONS: `--max-old-space-size=${heapMb}` } : {}),
    LOG_LEVEL: 'warn',
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok || undefined,
          () => undefined,
        ),
      {
        timeoutMs: 120_000,
        what: 'the service to answer /healthz',
      },
    );
    const secrets = Object.fromEntries(branches.map((b) => [b, WEBHOOK_SECRET]));
    const stream = () => {
      const webhooks = new BranchWebhooks(webhookTargets(sim, port, secrets, 1000), WEBHOOKS_PER_SECOND);
      webhooks.start();
      return webhooks;
    };
    const webhooks = stream();
    const runs = await Promise.all(
      branches.map((branch) => firstSyncRun(client, branch, service, 60 * 60_000)),
    );
    const during = await webhooks.stop();
    // The baseline: the same stream into the same process once the sync is over.
    const after = stream();
    await new Promise((resolve) => setTimeout(resolve, IDLE_STREAM_MS));
    const idle = await after.stop();
    const webhookFigures = { ...during, idleWebhookP50: idle.webhookP50, idleWebhookP99: idle.webhookP99 };
    const failed = runs.find((run) => run.status !== 'succeeded');
    if (failed) throw new Error(`a sync failed: ${failed.errors.join('; ')}`);
    // The sync's own waits: the list endpoints, not the webhooks' single-record fetches.
    const listSeconds = await Promise.all(
      ['/all_cars_full', '/clients', '/all_bookings'].map((endpoint) =>
        scrapeSum(`http://127.0.0.1:${port}/metrics`, 'rentprog_api_request_seconds_sum', { endpoint }),
      ),
    );
    const apiSeconds = listSeconds.reduce((sum, seconds) => sum + seconds, 0);
    // Each branch walks its pages one after another, so its own time is the run's length.
    const branchSeconds = runs.reduce((sum, run) => sum + runSeconds(run), 0);
    return {
      seconds:
        Math.max(...runs.map((run) => Date.parse(run.finishedAt))) / 1000 -
        Math.min(...runs.map((run) => Date.parse(run.startedAt))) / 1000,
      rows: runs.reduce((sum, run) => sum + rowsOf(run), 0),
      apiShare: apiSeconds / branchSeconds,
      peakRssMb: (await service.memory()).peakMb,
      webhooks: webhookFigures,
    };
  } finally {
    await service.stop();
    await connection.close();
    await server.stop();
  }
}

async function naive(env: Record<string, string>) {
  const out = await runScript('bench/naive-sync.ts', branches, env, { profile: true });
  const result = JSON.parse(out) as { seconds: number; rows: number; apiSeconds: number; peakRssMb: number };
  return {
    seconds: result.seconds,
    rows: result.rows,
    // Each branch waits on its own requests, so the time to share is the run's per branch.
    apiShare: result.apiSeconds / (result.seconds * branches.length),
    peakRssMb: result.peakRssMb,
    webhooks: undefined as (StreamResult & Record<string, number>) | undefined,
  };
}

const runSeconds = (run: RunSummary) => (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
const rowsOf = (run: RunSummary) => Object.values(run.counts).reduce((sum, c) => sum + (c?.fetched ?? 0), 0);

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
