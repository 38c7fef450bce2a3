import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyActivities, type NotifyRequest } from '../../src/activities/notify/notify-activities.js';
import { NOTIFY_EVENT_KINDS, type NotifyEventKind } from '../../src/config/schema.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { bookingRow, carRow, clientRow } from '../../src/store/entity-rows.js';
import { upsertEntities } from '../../src/store/entity-repository.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';

const BOT_TOKEN = '123456:fake-token-for-the-notify-tests';
const BOOKING = 100_501;
const CLIENT = 200_501;
const CAR = 10_501;

describe('the notifyBranch activity, against Postgres and the fake Bot API', () => {
  let database: TestDatabase;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  const metrics = new Metrics();

  beforeAll(async () => {
    database = await createTestDatabase();
    telegram = await startFakeTelegram();
    const context = { fetchedAt: new Date().toISOString(), timeZone: 'Asia/Tbilisi' };
    await upsertEntities(database.db, 'client', 'tbilisi', [
      clientRow({ id: CLIENT, name: 'Тамара', lastname: 'Чхеидзе', phone: '+995 577 100 200' }, context),
    ]);
    await upsertEntities(database.db, 'car', 'tbilisi', [
      carRow({ id: CAR, company_id: 70_001, car_name: 'Honda CR-V', number: 'TX-777-AA' }, context),
    ]);
    await upsertEntities(database.db, 'booking', 'tbilisi', [
      bookingRow(
        {
          id: BOOKING,
          number: 77,
          car_id: CAR,
          client_id: CLIENT,
          state: 'Подтверждена',
          technical: false,
          start_date: '12-12-2026 9:00',
          end_date: '14-12-2026 18:30',
          location_start: 'Офис',
          location_end: 'Аэропорт, терминал 1',
          source: 'Сотрудник',
        },
        context,
      ),
    ]);
  });
  afterAll(async () => {
    await telegram?.close();
    await database?.drop();
  });

  /** notifyBranch as the worker registers it, with TELEGRAM_NOTIFY_EVENTS set as given. */
  const notifier = (notifyEvents: NotifyEventKind[] = [...NOTIFY_EVENT_KINDS]) => {
    const activities = createNotifyActivities({
      db: database.db,
      telegram: { botToken: BOT_TOKEN, apiRoot: telegram.apiRoot, notifyChats: { tbilisi: -1001 } },
      branchNames: { tbilisi: 'Тбилиси' },
      timeZones: { tbilisi: 'Asia/Tbilisi' },
      cancelStates: ['Отмена', 'Отказ клиента'],
      notifyEvents,
      metrics,
    });
    return (request: NotifyRequest) => activities.notifyBranch(request);
  };
  const run = (runId: string) =>
    new MockActivityEnvironment({ workflowExecution: { workflowId: 'rentprog-event:tbilisi:e1', runId } });
  const issue: NotifyRequest = {
    branch: 'tbilisi',
    type: 'booking.issue.planned',
    rentprogId: BOOKING,
    kinds: ['issue'],
    changes: { start_date: ['11-12-2026 9:00', '12-12-2026 9:00'] },
  };
  const about = (marker: string) => telegram.sent.filter((m) => m.body.text.includes(marker));

  it('a retried activity sends its message once; the next run of the event tells again', async () => {
    const notifyBranch = notifier();
    const first = run('run-1');
    expect(await first.run(notifyBranch, issue)).toEqual({
      messages: [{ branch: 'tbilisi', kind: 'issue', outcome: 'sent' }],
    });
    expect(await first.run(notifyBranch, issue)).toEqual({
      messages: [{ branch: 'tbilisi', kind: 'issue', outcome: 'already sent' }],
    });
    expect(about('11.12 09:00 → 12.12 09:00')).toHaveLength(1);
    expect(about('11.12 09:00 → 12.12 09:00')[0]!.body).toMatchObject({ chat_id: -1001 });

    await run('run-2').run(notifyBranch, issue);
    expect(about('11.12 09:00 → 12.12 09:00')).toHaveLength(2);
    const text = await metrics.registry.metrics();
    expect(text).toContain('rentprog_telegram_deliveries_total{purpose="notification",outcome="sent"} 2');
    expect(text).toContain(
      'rentprog_telegram_deliveries_total{purpose="notification",outcome="already_sent"} 1',
    );
  });

  it('TELEGRAM_NOTIFY_EVENTS=cancelled: a handover is not told, a cancellation is', async () => {
    const notifyBranch = notifier(['cancelled']);
    const before = telegram.sent.length;
    expect(await run('run-3').run(notifyBranch, issue)).toEqual({ messages: [] });
    const cancelled: NotifyRequest = {
      ...issue,
      type: 'booking.updated',
      kinds: ['cancelled'],
      changes: { state: ['Подтверждена', 'Отказ клиента'] },
    };
    expect(await run('run-3').run(notifyBranch, cancelled)).toEqual({
      messages: [{ branch: 'tbilisi', kind: 'cancelled', outcome: 'sent' }],
    });
    expect(telegram.sent.slice(before).map((m) => m.body.text.split('\n')[0])).toEqual([
      '❌ Бронь отменена · Тбилиси',
    ]);
  });

  it('a call scheduled by a history from before every kind was told (no kinds) still tells its type', async () => {
    const notifyBranch = notifier();
    const legacy = { branch: 'tbilisi', type: 'booking.return.planned', rentprogId: BOOKING };
    expect(await run('run-4').run(notifyBranch, legacy)).toEqual({
      messages: [{ branch: 'tbilisi', kind: 'return', outcome: 'sent' }],
    });
    expect(telegram.sent.at(-1)!.body.text).toBe(
      [
        '🔙 Возврат авто · Тбилиси',
        'Бронь №77 · ID 100501',
        '👤 Тамара Чхеидзе · +995 577 100 200',
        '🚙 Honda CR-V · TX-777-AA',
        '🕒 14.12 18:30',
        '📍 Аэропорт, терминал 1',
      ].join('\n'),
    );
  });

  it('a branch without a chat, or no bot token: nothing sent, and the result says why', async () => {
    const notifyBranch = notifier();
    expect(await run('run-5').run(notifyBranch, { ...issue, branch: 'batumi' })).toEqual({
      messages: [{ branch: 'batumi', kind: 'issue', outcome: 'no chat' }],
    });
    const noBot = createNotifyActivities({
      db: database.db,
      telegram: { apiRoot: telegram.apiRoot, notifyChats: { tbilisi: -1001 } },
      branchNames: {},
      timeZones: {},
      cancelStates: [],
      notifyEvents: [...NOTIFY_EVENT_KINDS],
    });
    expect(await run('run-5').run((request: NotifyRequest) => noBot.notifyBranch(request), issue)).toEqual({
      messages: [{ branch: 'tbilisi', kind: 'issue', outcome: 'no bot' }],
    });
  });
});
