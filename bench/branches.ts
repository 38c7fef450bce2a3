/**
 * Many-branches benchmark: for each branch count, the real service started with that many
 * branches (b001, b002, …; 5 cars, 50 clients and 200 bookings each) on a fresh Temporal
 * dev server and a fresh Postgres database, against the simulator, with webhooks flowing
 * at a steady rate spread over the branches while every branch makes its first sync.
 * Prints one JSON line per point: how long start-up took (until the last branch's
 * Schedule existed), the full sync (the earliest start to the last finish of every
 * branch's first run), the webhook ACKs meanwhile, the workers' RSS at its peak during
 * the sync and at rest after it, their activity pollers, the cost per added branch, and
 * the bytes per row of the entity tables.
 *
 *   npx tsx bench/branches.ts [4,25,100]
 *
 * BENCH_TEMPORAL_ADDRESS: run on that Temporal server (namespace `default`) instead of a
 * dev server; each point uses its own task queue and branch names and cleans up after.
 * BENCH_SERVICE_LAYOUT=split: one `start --role ingress` and two `start --role worker`
 * processes, as docker-compose.yml splits the roles (worker RSS is the two together);
 * `all` (the default): one `start --role all`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresDatabase } from '../harness/database.js';
import { freePort } from '../harness/ports.js';
import { memoryOf, type RunningProcess, startCli } from '../harness/processes.js';
import { sleep, waitFor } from '../harness/wait.js';
import { Simulator } from '../src/simulator/simulator.js';
import { agendaScheduleId } from '../src/temporal/ensure-agenda-schedules.js';
import { HEALTH_SCHEDULE_ID } from '../src/temporal/ensure-health-schedule.js';
import { type BenchTemporal, benchTemporal } from './bench-temporal.js';
import { BranchWebhooks, webhookTargets } from './branch-webhooks.js';
import { BENCH_ADMIN_URL, scrapeSum, spawnService } from './service-process.js';

const counts = (process.argv[2] ?? '4,25,100')
  .replace(/[[\]\s]/g, '')
  .split(',')
  .map(Number);
const layout = process.env.BENCH_SERVICE_LAYOUT === 'split' ? 'split' : 'all';
const DATA = { cars: 5, clients: 50, bookings: 200 };
const WEBHOOKS_PER_SECOND = 10;
// Enough ACKs for a p99 even when a small point's sync is over in a second or two.
const MIN_STREAM_MS = 10_000;
// Time for the last events to finish and the heap to settle before the idle reading.
const REST_MS = 5_000;
const POINT_TIMEOUT_MS = 10 * 60_000;
const run = randomBytes(3).toString('hex');

interface Point {
  branches: number;
  syncSeconds: number;
  idleRssMb: number;
}

async function main() {
  let previous: Point | undefined;
  for (const branches of counts) {
    const point = await measure(branches);
    const perBranch = (key: 'syncSeconds' | 'idleRssMb', digits: number) =>
      previous
        ? Number(((point[key] - previous[key]) / (branches - previous.branches)).toFixed(digits))
        : null;
    console.log(
      JSON.stringify({
        bench: 'branches',
        ...point,
        secondsPerBranch: perBranch('syncSeconds', 3),
        mbPerBranch: perBranch('idleRssMb', 2),
      }),
    );
    previous = point;
  }
}

async function measure(count: number) {
  const temporal = await benchTemporal();
  // On a shared server the names must be the point's own: workflow ids and Schedules carry them.
  const prefix = temporal.shared ? `x${run}${count}-` : '';
  const branches = Array.from({ length: count }, (_, i) => `${prefix}b${String(i + 1).padStart(3, '0')}`);
  const taskQueue = `bench-branches-${run}-${count}`;
  const keys = Object.fromEntries(branches.map((b) => [b, randomBytes(16).toString('hex')]));
  const secrets = Object.fromEntries(branches.map((b) => [b, randomBytes(12).toString('hex')]));
  const sim = await new Simulator({
    branches: branches.map((name) => ({ name, companyToken: keys[name]!, ...DATA })),
    seed: 11,
  }).start();
  const database = await createPostgresDatabase(BENCH_ADMIN_URL, 'rentprog_bench');
  const healthExisted = temporal.shared && (await scheduleExists(temporal, HEALTH_SCHEDULE_ID));
  if (healthExisted)
    console.error(
      `bench/branches: Schedule "${HEALTH_SCHEDULE_ID}" existed; the point repoints it to ${taskQueue}`,
    );
  const scheduleIds = [...branches.map(agendaScheduleId), ...(healthExisted ? [] : [HEALTH_SCHEDULE_ID])];
  const port = await freePort();
  const env = {
    RENTPROG_BRANCH_KEYS: JSON.stringify(keys),
    RENTPROG_WEBHOOK_SECRETS: JSON.stringify(secrets),
    RENTPROG_BASE_URL: sim.baseUrl,
    // The simulator has no rate limit; the budget would otherwise be the bottleneck.
    RENTPROG_MAX_RPM: '1000000',
    RENTPROG_MAX_PAGES: '100000',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const db = new pg.Client({ connectionString: database.url });
  const service = await startService(env);
  const started = performance.now();
  try {
    await db.connect();
    // The stream begins once the workers poll and every branch's sync is started: webhooks
    // sent while the worker is still starting would queue ahead of the syncs' first tasks.
    const startSeconds = await waitFor(
      async () => {
        service.assertRunning();
        return scheduleExists(temporal, agendaScheduleId(branches.at(-1)!));
      },
      { timeoutMs: POINT_TIMEOUT_MS, what: `the Schedule of ${branches.at(-1)}` },
    ).then(() => (performance.now() - started) / 1000);
    await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      { timeoutMs: POINT_TIMEOUT_MS, what: 'the ingress' },
    );
    const webhooks = new BranchWebhooks(
      webhookTargets(sim, port, secrets, DATA.bookings),
      WEBHOOKS_PER_SECOND,
    );
    const streamed = performance.now();
    webhooks.start();
    let peakRssMb = 0;
    const sampler = setInterval(() => {
      void service.rssMb().then(
        (mb) => (peakRssMb = Math.max(peakRssMb, mb)),
        () => undefined,
      );
    }, 250);
    let sync;
    try {
      sync = await firstRuns(db, count, service);
      await sleep(MIN_STREAM_MS - (performance.now() - streamed));
    } finally {
      clearInterval(sampler);
    }
    const acks = await webhooks.stop();
    await sleep(REST_MS);
    return {
      layout,
      branches: count,
      startSeconds: Number(startSeconds.toFixed(1)),
      syncSeconds: sync.seconds,
      rows: sync.rows,
      ...acks,
      idleRssMb: await service.rssMb(),
      peakRssMb,
      pollers: await service.pollers(),
      ...(await bytesPerRow(db)),
    };
  } finally {
    await db.end().catch(() => undefined);
    await service.stop();
    await sim.stop();
    await database.drop();
    await temporal.close(taskQueue, scheduleIds);
  }
}

/** The service in the chosen layout, each worker process with its SDK metrics on a port of its own. */
async function startService(env: Record<string, string>) {
  const sdkMetrics = async () => `127.0.0.1:${await freePort()}`;
  const workerEnv = async () => ({ ...env, TEMPORAL_METRICS_ADDRESS: await sdkMetrics() });
  const workers: { process: RunningProcess; metrics: string }[] = [];
  const others: RunningProcess[] = [];
  if (layout === 'all') {
    const e = await workerEnv();
    workers.push({ process: spawnService('all', e), metrics: e.TEMPORAL_METRICS_ADDRESS });
  } else {
    others.push(startCli(['start', '--role', 'ingress'], { env, echoStderr: true }));
    for (let i = 0; i < 2; i++) {
      const e = await workerEnv();
      workers.push({ process: spawnService('worker', e), metrics: e.TEMPORAL_METRICS_ADDRESS });
    }
  }
  const all = [...workers.map((w) => w.process), ...others];
  return {
    assertRunning() {
      const gone = all.find((p) => !p.running);
      if (gone) throw new Error(`${gone.name} exited (${gone.exitDescription}):\n${gone.tail()}`);
    },
    async rssMb() {
      const each = await Promise.all(workers.map(async (w) => (await memoryOf(w.process.pid)).rssMb));
      return each.reduce((sum, mb) => sum + mb, 0);
    },
    /** Activity pollers the SDK reports, summed over the worker processes. */
    async pollers() {
      const each = await Promise.all(
        workers.map((w) =>
          scrapeSum(`http://${w.metrics}/metrics`, 'temporal_num_pollers', {
            poller_type: 'activity_task',
          }).catch(() => NaN),
        ),
      );
      return each.reduce((sum, n) => sum + n, 0);
    },
    stop: () => Promise.all(all.map((p) => p.stop())),
  };
}

/** Every branch's first sync run, once all are finished: their span and the rows they fetched. */
async function firstRuns(db: pg.Client, count: number, service: { assertRunning(): void }) {
  const runs = await waitFor(
    async () => {
      service.assertRunning();
      const result = await db
        .query<{
          status: string;
          started_at: Date;
          finished_at: Date | null;
          counts: Record<string, { fetched?: number }>;
        }>(
          `SELECT DISTINCT ON (branch) status, started_at, finished_at, counts
             FROM sync_runs ORDER BY branch, started_at`,
        )
        // The service creates the table at start.
        .catch(() => undefined);
      const rows = result?.rows ?? [];
      return rows.length === count && rows.every((r) => r.finished_at !== null) && rows;
    },
    { timeoutMs: POINT_TIMEOUT_MS, intervalMs: 500, what: `the first sync of ${count} branches` },
  );
  const failed = runs.filter((r) => r.status !== 'succeeded').length;
  if (failed > 0) throw new Error(`${failed} of ${count} first syncs failed`);
  const first = Math.min(...runs.map((r) => r.started_at.getTime()));
  const last = Math.max(...runs.map((r) => r.finished_at!.getTime()));
  return {
    seconds: Number(((last - first) / 1000).toFixed(1)),
    rows: runs.reduce((sum, r) => sum + Object.values(r.counts).reduce((s, c) => s + (c.fetched ?? 0), 0), 0),
  };
}

/** pg_total_relation_size (heap, TOAST and indexes) over the rows, per table that grows with branches and webhooks. */
async function bytesPerRow(db: pg.Client) {
  const per = async (table: string) => {
    const { rows } = await db.query<{ bytes: string; n: string }>(
      `SELECT pg_total_relation_size('${table}') AS bytes, (SELECT count(*) FROM ${table}) AS n`,
    );
    return Math.round(Number(rows[0]!.bytes) / Math.max(1, Number(rows[0]!.n)));
  };
  return {
    carBytes: await per('cars'),
    clientBytes: await per('clients'),
    bookingBytes: await per('bookings'),
    eventBytes: await per('webhook_events'),
  };
}

async function scheduleExists(temporal: BenchTemporal, scheduleId: string): Promise<boolean> {
  return temporal.client.schedule
    .getHandle(scheduleId)
    .describe()
    .then(
      () => true,
      () => false,
    );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
