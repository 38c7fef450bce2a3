import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { RentProgEvent } from '../../src/rentprog/webhooks/webhook-event.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { DATA_ERROR_TYPE } from '../../src/store/data-errors.js';
import { unstorable } from '../../src/store/storable.js';
import { createWorkers } from '../../src/temporal/create-worker.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { BRANCHES, clientFor, companyTokens, startSimulator } from '../helpers/simulator.js';
import { connectToDevServer, eventOutcome, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';

describe('rentprogEvent for records Postgres cannot take as RentProg sent them', () => {
  const keys = companyTokens();
  const taskQueue = uniqueTaskQueue('event-rejects');
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  let workers: Worker[] = [];
  let running: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    sim = await startSimulator(keys);
    workers = await createWorkers({
      connection: env.nativeConnection,
      temporal: { address: '', namespace: 'default', taskQueue },
      branches: BRANCHES,
      maxRequestsPerMinute: 6000,
      workflowBundle: workflowBundle(),
      activities: createActivities({ db: database.db, rentprog: clientFor(sim, keys) }),
    });
    running = Promise.all(workers.map((w) => w.run()));
  });
  afterAll(async () => {
    for (const worker of workers) worker.shutdown();
    await running;
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
  });

  async function startEvent(
    branch: string,
    entity: 'car' | 'client',
    rentprogId: number,
    changes: RentProgEvent['changes'],
  ) {
    const event: RentProgEvent = {
      eventId: randomUUID(),
      type: `rentprog.${entity}_update`,
      branch,
      entity,
      rentprogId,
      changes,
      receivedAt: new Date().toISOString(),
      rawEvent: `${entity}_update`,
    };
    return env.client.workflow.start('rentprogEvent', {
      workflowId: `rentprog-event:${branch}:${event.eventId}`,
      taskQueue,
      args: [event],
    });
  }
  const one = async (sql: string, params: unknown[]) =>
    unstorable((await database.db.query<Record<string, unknown>>(sql, params))[0]);

  it('stores a client with a NUL and a lone surrogate in its name and a company id of 1e23', async () => {
    const id = sim.branch('tbilisi').list('client', 3, 1)[0]!.id;
    const client = sim.poison('client', 'tbilisi', id);
    const changes = { name: ['Нино', client.name] as [unknown, unknown] };
    const handle = await startEvent('tbilisi', 'client', id, changes);

    expect(await eventOutcome(env.client, handle.workflowId)).toMatchObject({
      status: 'processed',
      action: 'stored',
    });
    expect(
      await one(
        'SELECT company_id, name, lastname, data FROM clients WHERE branch = $1 AND rentprog_id = $2',
        ['tbilisi', id],
      ),
    ).toEqual({ company_id: null, name: 'Ни\u0000но', lastname: 'Бе\ud800ридзе', data: client });
    expect(
      await one('SELECT status, error, payload FROM webhook_events WHERE workflow_id = $1', [
        handle.workflowId,
      ]),
    ).toEqual({ status: 'processed', error: null, payload: changes });
  });

  it('fails an event for good when Postgres refuses its record: one attempt, reason recorded, record kept', async () => {
    // A rule the store cannot know of: the raw mileage must fit an integer (SQLSTATE 22003 for 3e9).
    await database.db.exec(
      `ALTER TABLE cars ADD CONSTRAINT mileage_fits CHECK ((data->>'mileage')::integer >= 0)`,
    );
    try {
      const id = sim.branch('batumi').list('car', 0, 1)[0]!.id;
      const car = sim.poison('car', 'batumi', id, { mileage: 3e9 });
      const handle = await startEvent('batumi', 'car', id, { mileage: [120_000, 3e9] });

      const failure: unknown = await handle.result().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const reason =
        'Postgres refused a cars row of batumi: SQLSTATE 22003 value "3000000000" is out of range for type integer';
      expect((failure as WorkflowFailedError).cause?.message).toBe(reason);

      const history = (await handle.fetchHistory()).events!;
      const attempts = history.filter((e) => e.activityTaskStartedEventAttributes);
      expect(attempts.map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual([1]);
      const failed = history.find(
        (e) => e.activityTaskFailedEventAttributes,
      )!.activityTaskFailedEventAttributes!;
      expect(failed.failure?.applicationFailureInfo).toMatchObject({
        type: DATA_ERROR_TYPE,
        nonRetryable: true,
      });

      expect(
        await one('SELECT status, error FROM webhook_events WHERE workflow_id = $1', [handle.workflowId]),
      ).toEqual({ status: 'failed', error: reason });
      expect(
        await one(
          "SELECT kind, reason, record, sync_run_id FROM sync_rejects WHERE branch = 'batumi' AND rentprog_id = $1",
          [id],
        ),
      ).toEqual({ kind: 'car', reason, record: car, sync_run_id: null });
    } finally {
      await database.db.exec('ALTER TABLE cars DROP CONSTRAINT mileage_fits');
    }
  });
});
