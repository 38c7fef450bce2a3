import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { WebhookEventRecord } from '../../src/store/webhook-events-repository.js';
import type { quarantine } from '../../src/workflows/quarantine.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { captureLogs } from '../helpers/log-capture.js';
import { connectToDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';
import { alertingIncidents, alertsIn } from './alerting.js';

describe('events failed for good and quarantined webhooks', () => {
  const logs = captureLogs();
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  let activities: ReturnType<typeof createActivities>;

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    telegram = await startFakeTelegram();
    const incidents = alertingIncidents({
      telegram,
      db: database.db,
      logger: logs.logger,
      branchNames: { tbilisi: 'Тбилиси' },
    });
    activities = createActivities({ db: database.db, rentprog: null as never, incidents });
  });
  afterAll(async () => {
    await telegram?.close();
    await database?.drop();
    await env?.teardown();
  });

  const event = (
    n: number,
    status: WebhookEventRecord['status'],
    error: string | null,
  ): WebhookEventRecord => ({
    eventId: `event-${n}`,
    branch: 'tbilisi',
    type: 'booking.updated',
    rawEvent: 'booking_update',
    entity: 'booking',
    rentprogId: 1000 + n,
    workflowId: `rentprog-event:${n}`,
    status,
    error,
    receivedAt: new Date().toISOString(),
  });

  it('a quarantined webhook names the branch and the reason; the next processed event resolves it', async () => {
    const taskQueue = uniqueTaskQueue('quarantine-alert');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: workflowBundle(),
      activities,
    });
    await worker.runUntil(
      env.client.workflow.execute<typeof quarantine>('quarantine', {
        workflowId: `quarantine-${taskQueue}`,
        taskQueue,
        args: [
          {
            branch: 'tbilisi',
            reason: 'payload is not a Ruby hash literal',
            receivedAt: new Date().toISOString(),
            contentType: 'application/x-www-form-urlencoded',
            bodySha256: 'ab'.repeat(32),
            bytes: 120,
            bodyRef: `postgres:webhook_bodies/${'ab'.repeat(32)}`,
          },
        ],
      }),
    );
    expect(alertsIn(telegram)).toEqual([
      [
        '🚨 📦 Вебхук филиала Тбилиси не прочитан и отложен в карантин',
        'Причина: payload is not a Ruby hash literal',
        'Тело вебхука сохранено. Проверьте формат вебхуков RentProg (webhook_events со статусом unparsed); после исправления его можно обработать заново.',
      ].join('\n'),
    ]);

    await activities.recordEvent(event(1, 'processed', null));
    expect(alertsIn(telegram).slice(1)).toEqual([
      expect.stringMatching(/^✅ Решено: Вебхук филиала Тбилиси не прочитан и отложен в карантин\nДлилось /),
    ]);
  });

  it('events failed for good: one alert with the count and the last reason, quiet repeats, resolved by the next success', async () => {
    telegram.calls.length = 0;
    await activities.recordEvent(
      event(2, 'failed', 'RentProg tbilisi /booking/1002 → 200: unexpected answer at id'),
    );
    await activities.recordEvent(event(3, 'not_found', 'not found in this branch'));
    await activities.recordEvent(
      event(4, 'failed', 'RentProg tbilisi /booking/1004 → 200: the answer is not JSON'),
    );
    expect(alertsIn(telegram)).toEqual([
      [
        '🚨 ❗ События RentProg филиала Тбилиси не обработаны',
        'Событий с ошибкой: 1. Последняя причина: RentProg tbilisi /booking/1002 → 200: unexpected answer at id',
        'Проверьте историю события в Temporal UI и webhook_events со статусом failed.',
      ].join('\n'),
    ]);
    const [open] = await database.db.query<{ occurrences: number; detail: string }>(
      `SELECT occurrences, detail FROM incidents WHERE key = 'event-failed:tbilisi' AND resolved_at IS NULL`,
    );
    expect(open).toEqual({
      occurrences: 2,
      detail: 'RentProg tbilisi /booking/1004 → 200: the answer is not JSON',
    });

    await activities.recordEvent(event(5, 'processed', null));
    expect(alertsIn(telegram).slice(1)).toEqual([
      expect.stringMatching(/^✅ Решено: События RentProg филиала Тбилиси не обработаны\nДлилось /),
    ]);
  });
});
