/**
 * End-to-end benchmark: webhooks for bookings just changed in the simulator, posted at a
 * steady rate to the real service (`rentprog-flow start --role all`, a child process);
 * for each, the time from the POST to the fresh row in Postgres (polled every 20 ms).
 * One round per simulator latency, on the same service, each with bookings of its own.
 *
 *   npx tsx bench/end-to-end.ts [latenciesMs=0,50] [webhooks=2000] [perSecond=20]
 */
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Simulator } from '../src/simulator/simulator.js';
import { webhookBody } from '../src/simulator/webhook-sender.js';
import { createPostgresDatabase } from '../harness/database.js';
import { freePort } from '../harness/ports.js';
import { startTemporalDevServer } from '../harness/temporal-dev-server.js';
import { BENCH_ADMIN_URL, firstSyncRun, quantile, spawnService } from './service-process.js';

const roundLatencies = (process.argv[2] ?? '0,50').split(',').map(Number);
const count = Number(process.argv[3] ?? 2000);
const perSecond = Number(process.argv[4] ?? 20);
const BRANCH = 'tbilisi';
const POLL_MS = 20;

async function main() {
  const key = randomBytes(16).toString('hex');
  const secret = randomBytes(12).toString('hex');
  const sim = await new Simulator({
    branches: [
      { name: BRANCH, companyToken: key, bookings: count * roundLatencies.length, cars: 40, clients: 200 },
    ],
    seed: 5,
  }).start();
  const database = await createPostgresDatabase(BENCH_ADMIN_URL, 'rentprog_bench');
  const server = await startTemporalDevServer();
  const port = await freePort();
  const service = spawnService('all', {
    RENTPROG_BRANCH_KEYS: JSON.stringify({ [BRANCH]: key }),
    RENTPROG_WEBHOOK_SECRETS: JSON.stringify({ [BRANCH]: secret }),
    RENTPROG_BASE_URL: sim.baseUrl,
    RENTPROG_MAX_RPM: '1000000',
    RENTPROG_SYNC_INTERVAL: '24h',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'bench',
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  const connection = await Connection.connect({ address: server.address });
  const temporal = new Client({ connection });
  const db = new pg.Client({ connectionString: database.url });
  try {
    // The first sync fills the table; the webhooks then bring changes it has not seen.
    await firstSyncRun(temporal, BRANCH, service, 5 * 60_000);
    await db.connect();
    for (const [round, latencyMs] of roundLatencies.entries()) {
      sim.setFault('*', { latencyMs });
      console.log(JSON.stringify(await sendAndWatch(sim, db, port, secret, latencyMs, round * count)));
    }
  } finally {
    await db.end().catch(() => undefined);
    await service.stop();
    await connection.close();
    await server.stop();
    await sim.stop();
    await database.drop();
  }
}

/** Changes `count` bookings from `offset` on, posts a webhook for each, and times the fresh rows. */
async function sendAndWatch(
  sim: Simulator,
  db: pg.Client,
  port: number,
  secret: string,
  latencyMs: number,
  offset: number,
) {
  const data = sim.branch(BRANCH);
  const bookings = data.list('booking', offset, count);
  const sentAt = new Map<number, number>();
  const marker = new Map<number, number>();
  const latencies: number[] = [];
  const acks: number[] = [];
  let failures = 0;
  const started = performance.now();

  const poller = (async () => {
    while (latencies.length + failures < count) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const pending = [...sentAt.keys()];
      if (pending.length === 0) continue;
      const rows = await db.query<{ id: string; total: number }>(
        `SELECT rentprog_id AS id, total::float AS total FROM bookings WHERE branch = $1 AND rentprog_id = ANY($2)`,
        [BRANCH, pending],
      );
      const now = performance.now();
      for (const row of rows.rows) {
        const id = Number(row.id);
        if (row.total !== marker.get(id)) continue;
        latencies.push(now - sentAt.get(id)!);
        sentAt.delete(id);
      }
      if (now - started > 10 * 60_000) throw new Error('rows still missing after 10 minutes');
    }
  })();

  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const booking = bookings[i]!;
    const total = 100_000 + i;
    const { before } = data.update('booking', booking.id, { total });
    marker.set(booking.id, total);
    const body = webhookBody('booking_update', { total: [before.total, total], id: booking.id });
    sentAt.set(booking.id, performance.now());
    void post(`http://127.0.0.1:${port}/webhooks/rentprog/${BRANCH}?t=${secret}`, body).then(
      ({ status, ms }) => {
        acks.push(ms);
        if (status >= 300) {
          failures++;
          sentAt.delete(booking.id);
        }
      },
    );
  }
  await poller;
  latencies.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  return {
    latencyMs,
    webhooks: count,
    perSecond,
    fresh: latencies.length,
    failed: failures,
    ackP50: quantile(acks, 0.5),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: quantile(latencies, 1),
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
}

async function post(url: string, body: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
