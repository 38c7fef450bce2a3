import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { createWorkers } from '../../src/temporal/create-worker.js';
import { PostgresSpool } from '../../src/ingress/postgres-spool.js';
import { FileSpool } from '../../src/ingress/file-spool/index.js';
import type { Spool } from '../../src/ingress/spool.js';
import { startSpoolRelay } from '../../src/ingress/spool-relay.js';
import { ingressConnection } from '../../src/ingress/temporal-connection.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { webhookBody } from '../../src/simulator/webhook-sender.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { freePort } from '../../harness/ports.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../harness/temporal-dev-server.js';
import { scratchQuarantineBodies, startIngress } from '../helpers/ingress.js';
import { captureLogs } from '../helpers/log-capture.js';
import { clientFor, companyTokens, startSimulator } from '../helpers/simulator.js';
import { eventOutcome, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';

type Answer = { ok: boolean; spooled?: boolean; workflowId?: string; eventId?: string };

describe.each(['file', 'database'] as const)(
  'outage spool in a %s: nothing is lost while Temporal is away',
  (kind) => {
    const secret = 'spool-test-secret-value';
    const keys = companyTokens();
    const taskQueue = uniqueTaskQueue('spool');
    const logs = captureLogs();
    let dir: string;
    let port: number;
    let connection: Connection;
    let spool: Spool;
    let relay: ReturnType<typeof startSpoolRelay>;
    let ingress: Awaited<ReturnType<typeof startIngress>>;
    let database: TestDatabase;
    let sim: Simulator;
    let devServer: TemporalDevServer | undefined;
    let server: TestWorkflowEnvironment | undefined;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-spool-'));
      port = await freePort();
      database = await createTestDatabase();
      sim = await startSimulator(keys);
      connection = ingressConnection(`127.0.0.1:${port}`);
      const client = new Client({ connection });
      spool = kind === 'file' ? await FileSpool.open(dir) : new PostgresSpool(database.db);
      const starter = { client, taskQueue, deadlineMs: 1000 };
      relay = startSpoolRelay({ spool, starter, logger: logs.logger, intervalMs: 200 });
      ingress = await startIngress({
        client,
        taskQueue,
        webhookSecrets: { tbilisi: [secret] },
        logger: logs.logger,
        deadlineMs: 1000,
        spool,
      });
    });
    afterAll(async () => {
      await relay?.stop();
      await ingress?.close();
      await connection?.close();
      await server?.teardown();
      await devServer?.stop();
      await sim?.stop();
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
    });

    it('answers 202 spooled while Temporal is down, then relays each event into exactly one workflow', async () => {
      const [a, b] = sim.branch('tbilisi').list('booking', 0, 2);
      const first = webhookBody('booking_update', { state: ['Новая', 'Подтверждена'], id: a!.id });
      const second = webhookBody(
        'booking_update',
        { state: ['Новая', 'Отмена'], id: b!.id },
        { format: 'json-string' },
      );
      const answers: Answer[] = [];
      for (const body of [first, first, second]) {
        const response = await ingress.post(`/webhooks/rentprog/tbilisi?t=${secret}`, body);
        expect(response.status).toBe(202);
        answers.push((await response.json()) as Answer);
      }
      expect(answers.every((a) => a.ok && a.spooled)).toBe(true);
      expect(answers[1]!.workflowId).toBe(answers[0]!.workflowId);
      expect(spool.depth()).toBe(3);
      const ready = await fetch(`${ingress.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ temporal: false, spoolDepth: 3 });

      // Temporal comes back at the same address, with a worker.
      devServer = await startTemporalDevServer({ port });
      server = await TestWorkflowEnvironment.createFromExistingServer({ address: devServer.address });
      const workers = await createWorkers({
        connection: server.nativeConnection,
        temporal: { address: '', namespace: 'default', taskQueue },
        branches: ['tbilisi'],
        maxRequestsPerMinute: 6000,
        workflowBundle: workflowBundle(),
        activities: createActivities({ db: database.db, rentprog: clientFor(sim, keys) }),
      });
      const running = Promise.all(workers.map((w) => w.run()));
      try {
        await expect.poll(() => spool.depth(), { timeout: 30_000, interval: 100 }).toBe(0);
        for (const id of [answers[0]!.workflowId!, answers[2]!.workflowId!]) {
          await eventOutcome(server.client, id);
        }
      } finally {
        for (const worker of workers) worker.shutdown();
        await running;
      }
      const events = await database.db.query<{ event_id: string; status: string; attempts: number }>(
        'SELECT event_id, status, attempts FROM webhook_events ORDER BY event_id',
      );
      expect(events).toHaveLength(2);
      expect(events.every((e) => e.status === 'processed' && e.attempts === 1)).toBe(true);
      expect(new Set(events.map((e) => e.event_id))).toEqual(
        new Set([answers[0]!.eventId, answers[2]!.eventId]),
      );
      // A restarted spool has nothing left to replay.
      const reopened = kind === 'file' ? await FileSpool.open(dir) : new PostgresSpool(database.db);
      expect(await reopened.pending()).toEqual([]);
    });
  },
);

describe('the file spool', () => {
  const secret = 'spool-test-secret-value';
  const taskQueue = uniqueTaskQueue('spool-file');
  const logs = captureLogs();

  it('keeps spooled webhooks across a restart of the ingress', async () => {
    const other = await mkdtemp(path.join(os.tmpdir(), 'rentprog-spool-'));
    try {
      const before = await FileSpool.open(other);
      await before.append({ kind: 'event', spooledAt: 'now', input: { eventId: 'e1' } as never });
      await before.append({ kind: 'event', spooledAt: 'now', input: { eventId: 'e2' } as never });
      await before.ack([1]);
      const after = await FileSpool.open(other);
      expect((await after.pending()).map((e) => [e.seq, (e.input as { eventId: string }).eventId])).toEqual([
        [2, 'e2'],
      ]);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('answers 503 when neither Temporal nor the spool can hold the webhook', async () => {
    const broken = await mkdtemp(path.join(os.tmpdir(), 'rentprog-spool-'));
    const deadSpool = await FileSpool.open(broken);
    // The spool's directory is replaced by a file: every append now fails.
    await rm(broken, { recursive: true, force: true });
    await writeFile(broken, 'not a directory');
    const down = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const client = new Client({ connection: down });
    const { createIngressApp } = await import('../../src/ingress/app.js');
    const app = createIngressApp({
      webhookSecrets: { tbilisi: [secret] },
      signatureHeader: 'X-Rentprog-Signature',
      starter: { client, taskQueue, deadlineMs: 500 },
      spool: deadSpool,
      logger: logs.logger,
      dedupWindowMs: 60_000,
      quarantineBodies: scratchQuarantineBodies(),
      isTemporalReachable: () => Promise.resolve(false),
    });
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
      const body = webhookBody('booking_update', { state: ['a', 'b'], id: 1 });
      const response = await fetch(`${url}/webhooks/rentprog/tbilisi?t=${secret}`, {
        method: 'POST',
        body,
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
    } finally {
      listening.closeAllConnections();
      await new Promise((resolve) => listening.close(resolve));
      await down.close();
      await rm(broken, { force: true });
    }
  });
});
