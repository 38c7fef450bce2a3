/**
 * Records the workflow histories test/replay.test.ts replays (see README.md here).
 * Run: `npx tsx test/histories/record.ts` — it starts its own Temporal dev server, a
 * simulator, a fake Telegram and an in-memory database, and overwrites the *.json files.
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../../harness/workflow-bundle.js';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createActivities } from '../../src/activities/index.js';
import type { RentProgEvent } from '../../src/rentprog/webhooks/webhook-event.js';
import { createWorkers } from '../../src/temporal/create-worker.js';
import { installRuntime } from '../../src/temporal/install-runtime.js';
import type { branchSync } from '../../src/workflows/branch-sync.js';
import {
  type BranchSyncInput,
  type SyncStatus,
  syncStatusQuery,
} from '../../src/workflows/branch-sync-types.js';
import { createTestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { startTemporalDevServer } from '../../harness/temporal-dev-server.js';
import { waitFor } from '../../harness/wait.js';
import { BRANCHES, clientFor, companyTokens, startSimulator } from '../helpers/simulator.js';
import { historyToJson } from './history-json.js';

const TASK_QUEUE = 'record-histories';
const HOUR_MS = 3_600_000;

installRuntime({ level: 'WARN' });
const server = await startTemporalDevServer({
  // As in the test suite: branchSync is told to continue as new after about 100 events.
  dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 100 },
});
const connection = await NativeConnection.connect({ address: server.address });
const client = new Client({ connection: await Connection.connect({ address: server.address }) });
const database = await createTestDatabase('pglite');
const telegram = await startFakeTelegram();
const keys = companyTokens();
const sim = await startSimulator(keys, {
  branches: [
    { name: 'tbilisi', companyToken: keys.tbilisi!, bookings: 12, cars: 4, clients: 10 },
    { name: 'batumi', companyToken: keys.batumi!, bookings: 20, cars: 4, clients: 10 },
    { name: 'kutaisi', companyToken: keys.kutaisi!, bookings: 400, cars: 4, clients: 10 },
    { name: 'service-center', companyToken: keys['service-center']!, bookings: 5, cars: 2, clients: 5 },
  ],
});
const workflowBundle = await bundleWorkflows();

let workers: Worker[] = [];
let running: Promise<unknown> = Promise.resolve();
async function startWorkers() {
  workers = await createWorkers({
    connection,
    temporal: { address: server.address, namespace: 'default', taskQueue: TASK_QUEUE },
    branches: BRANCHES,
    maxRequestsPerMinute: 60_000,
    workflowBundle,
    activities: createActivities({
      db: database.db,
      rentprog: clientFor(sim, keys),
      telegram: { botToken: '42:recording', apiRoot: telegram.apiRoot, notifyChats: { tbilisi: -1001 } },
    }),
  });
  running = Promise.all(workers.map((worker) => worker.run()));
}
async function stopWorkers() {
  for (const worker of workers) worker.shutdown();
  await running;
}

async function save(name: string, handle: WorkflowHandle, runId?: string) {
  const history = await client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
  await writeFile(new URL(`${name}.json`, import.meta.url), historyToJson(history));
  console.log(`${name}.json: ${history.events?.length} events`);
}

function startSync(branch: string, pageSize: number) {
  const input: BranchSyncInput = {
    branch,
    intervalMs: HOUR_MS,
    pageSize,
    pagesPerActivity: 1,
    pollSinceDays: 3650,
    fullEveryMs: 24 * HOUR_MS,
  };
  return client.workflow.start<typeof branchSync>('branchSync', {
    workflowId: `record-sync:${branch}:${randomUUID().slice(0, 8)}`,
    taskQueue: TASK_QUEUE,
    args: [input],
  });
}

const status = (handle: WorkflowHandle) => handle.query<SyncStatus>(syncStatusQuery);
async function firstRunDone(handle: WorkflowHandle) {
  await waitFor(async () => (await status(handle)).runsCompleted >= 1, {
    timeoutMs: 120_000,
    what: `the first sync run of ${handle.workflowId}`,
  });
}

function startEvent(rentprogId: number, changes: RentProgEvent['changes']) {
  const event: RentProgEvent = {
    eventId: randomUUID(),
    type: 'booking.issue.planned',
    branch: 'tbilisi',
    entity: 'booking',
    rentprogId,
    changes,
    receivedAt: new Date().toISOString(),
    rawEvent: 'booking_update',
  };
  return client.workflow.start('rentprogEvent', {
    workflowId: `record-event:${event.eventId}`,
    taskQueue: TASK_QUEUE,
    args: [event],
  });
}

try {
  await startWorkers();

  // branchSync: one whole run, then it waits for the next hour.
  const run = await startSync('tbilisi', 20);
  await firstRunDone(run);
  await save('branch-sync-run', run, run.firstExecutionRunId);
  await run.terminate('recorded');

  // branchSync: the workers stop while its first booking page hangs (the request times
  // out), and new workers fetch that page again and walk on.
  sim.setFault('all_bookings@batumi', { hang: true });
  const interrupted = await startSync('batumi', 5);
  await waitFor(() => sim.requests.count({ route: 'all_bookings', branch: 'batumi' }) > 0, {
    timeoutMs: 60_000,
    what: 'the first booking page of batumi',
  });
  await stopWorkers();
  sim.faults.clear();
  await startWorkers();
  await firstRunDone(interrupted);
  await save('branch-sync-interrupted', interrupted, interrupted.firstExecutionRunId);
  await interrupted.terminate('recorded');

  // branchSync: a walk long enough for the server to suggest continuing as new.
  const long = await startSync('kutaisi', 5);
  const firstRunId = long.firstExecutionRunId;
  await waitFor(
    async () =>
      (await client.workflow.getHandle(long.workflowId, firstRunId).describe()).status.name ===
      'CONTINUED_AS_NEW',
    { timeoutMs: 180_000, what: 'the continue-as-new of the long walk' },
  );
  await save('branch-sync-continue-as-new', long, firstRunId);
  await long.terminate('recorded');

  // rentprogEvent: a stored booking whose handover moved (a message to the chat), and one
  // RentProg does not know in this branch.
  const booking = sim.branch('tbilisi').list('booking', 0, 1)[0]!;
  const stored = await startEvent(booking.id, { start_date: ['01-12-2026 10:00', '02-12-2026 10:00'] });
  await stored.result();
  await save('rentprog-event-stored', stored);
  const notFound = await startEvent(99_999_999, { start_date: ['01-12-2026 10:00', '02-12-2026 10:00'] });
  await notFound.result();
  await save('rentprog-event-not-found', notFound);

  // healthCheck: as `status` runs it, and as the Schedule runs it (report: true).
  const probes = [
    { kind: 'database', name: 'database' },
    { kind: 'rentprog', name: 'rentprog:tbilisi', branch: 'tbilisi' },
  ];
  for (const [name, report] of [
    ['health-check', false],
    ['health-check-report', true],
  ] as const) {
    const check = await client.workflow.start('healthCheck', {
      workflowId: `record-health:${randomUUID().slice(0, 8)}`,
      taskQueue: TASK_QUEUE,
      args: [{ probes, ...(report ? { report } : {}) }],
    });
    await check.result();
    await save(name, check);
  }
} finally {
  await stopWorkers();
  await connection.close();
  await client.connection.close();
  await sim.stop();
  await telegram.close();
  await database.drop();
  await server.stop();
}
