import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Bot } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/bot/create-bot.js';
import { incidentKeys } from '../../src/incidents/keys.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { captureLogs } from '../helpers/log-capture.js';
import { connectToDevServer } from '../helpers/temporal.js';
import { alertingIncidents, manualClock } from './alerting.js';

const ADMIN = 5001;

describe('/alerts', () => {
  const logs = captureLogs();
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  let bot: Bot;

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    telegram = await startFakeTelegram();
    bot = createBot({
      token: '123:alerts-command-test',
      apiRoot: telegram.apiRoot,
      adminIds: [ADMIN],
      client: env.client,
      taskQueue: 'unused',
      branches: ['tbilisi', 'kaliningrad'],
      branchNames: { tbilisi: 'Тбилиси', kaliningrad: 'Калининград' },
      timeZone: 'Asia/Tbilisi',
      timeZones: { tbilisi: 'Asia/Tbilisi', kaliningrad: 'Europe/Kaliningrad' },
      cancelStates: [],
      db: database.db,
      webhookUrls: [],
      logger: logs.logger,
    });
    void bot.start();
  });
  afterAll(async () => {
    await bot?.stop();
    await telegram?.close();
    await database?.drop();
    await env?.teardown();
  });

  async function ask(text: string): Promise<string> {
    const before = telegram.sent.length;
    telegram.say(ADMIN, text);
    await expect.poll(() => telegram.sent.length, { timeout: 10_000 }).toBeGreaterThan(before);
    return telegram.sent[before]!.body.text;
  }

  it('says when nothing is open', async () => {
    expect(await ask('/alerts')).toBe('✅ Открытых инцидентов нет');
  });

  it('lists what is open, oldest first: kind, branch, since when in its zone, occurrences, detail', async () => {
    const clock = manualClock('2026-12-01T06:30:00Z');
    const incidents = alertingIncidents({ db: database.db, logger: logs.logger, now: clock.now });
    await incidents.raise({
      key: incidentKeys.auth('kaliningrad'),
      kind: 'auth',
      branch: 'kaliningrad',
      detail: 'RentProg kaliningrad /get_token → 401: RentProg refused the company token',
    });
    clock.advance(15 * 60_000);
    await incidents.raise({
      key: incidentKeys.probe('database'),
      kind: 'probe',
      detail: 'connection refused',
    });
    await incidents.raise({ key: incidentKeys.probe('database'), kind: 'probe', detail: 'timeout' });
    await incidents.raise({
      key: incidentKeys.syncFailed('tbilisi'),
      kind: 'sync_failed',
      branch: 'tbilisi',
      detail: 'x',
    });
    await incidents.resolve(incidentKeys.syncFailed('tbilisi'));

    expect(await ask('/alerts')).toBe(
      [
        '🚨 Открытые инциденты: 2',
        '',
        '🔑 RentProg не принимает токен филиала Калининград',
        'с 01.12 08:30 (Europe/Kaliningrad, UTC+2) · повторов: 1',
        'Причина: RentProg kaliningrad /get_token → 401: RentProg refused the company token',
        '',
        '🩺 Проверка «База данных» не проходит',
        'с 01.12 10:45 · повторов: 2',
        'Причина: timeout',
      ].join('\n'),
    );
  });

  it('is in /help', async () => {
    expect(await ask('/help')).toContain('/alerts — открытые инциденты');
  });
});
