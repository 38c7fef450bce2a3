import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Bot } from 'grammy';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createProbeActivities } from '../../src/activities/probes/probe-activities.js';
import { createBot } from '../../src/bot/create-bot.js';
import { answerFirst, TELEGRAM_WEBHOOK_PATH } from '../../src/bot/telegram-webhook.js';
import { botTexts } from '../../src/texts/bot.js';
import { deadLetterCounter } from '../../src/ingress/dead-letter-count.js';
import { startIngress } from '../helpers/ingress.js';
import type { BotDeps } from '../../src/bot/deps.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { branchSyncWorkflowId, syncStatusQuery } from '../../src/workflows/branch-sync-types.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { captureLogs } from '../helpers/log-capture.js';
import { startService } from '../helpers/service.js';
import { BRANCHES, clientFor, companyTokens, startSimulator } from '../helpers/simulator.js';
import { connectToDevServer } from '../helpers/temporal.js';

const ADMIN = 5001;
const STRANGER = 9999;
const TOKEN = '123456:fake-token-for-the-bot-tests';

describe('the Telegram bot, end to end', () => {
  const keys = companyTokens();
  const logs = captureLogs();
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  let service: Awaited<ReturnType<typeof startService>>;
  const bots: Bot[] = [];

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    sim = await startSimulator(keys, {
      branches: BRANCHES.map((name, i) => ({
        name,
        companyToken: keys[name]!,
        bookings: 40 + i,
        cars: 5,
        clients: 21,
      })),
    });
    telegram = await startFakeTelegram();
    service = await startService(env, database, sim, keys);
  });
  afterAll(async () => {
    for (const bot of bots) await bot.stop();
    await service?.stop();
    await telegram?.close();
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
    const everything = logs.lines.join('\n');
    for (const secret of [TOKEN, ...Object.values(keys)]) expect(everything).not.toContain(secret);
  });

  /** The bot as the service builds it, pointed at the fake Bot API and this file's service. */
  function botDeps(overrides: Partial<BotDeps> = {}): BotDeps {
    const probes = createProbeActivities({ db: database.db, rentprog: clientFor(sim, keys) });
    return {
      token: TOKEN,
      apiRoot: telegram.apiRoot,
      adminIds: [ADMIN],
      client: env.client,
      taskQueue: service.taskQueue,
      branches: BRANCHES,
      branchNames: Object.fromEntries(BRANCHES.map((b) => [b, b])),
      timeZone: 'Asia/Tbilisi',
      timeZones: Object.fromEntries(BRANCHES.map((b) => [b, 'Asia/Tbilisi'])),
      cancelStates: ['Отмена', 'Отказ клиента'],
      db: database.db,
      webhookUrls: BRANCHES.map((b) => ({
        branch: b,
        url: `https://example.org/webhooks/rentprog/${b}?t=abc***`,
      })),
      probeDirectly: (spec) => probes.runProbe(spec),
      // Read from the table the Postgres spool dead-letters into.
      deadLetters: deadLetterCounter({ url: 'postgres://test', dataDir: '' }, database.db),
      logger: logs.logger,
      ...overrides,
    };
  }

  function startBot(overrides: Partial<BotDeps> = {}) {
    const bot = createBot(botDeps(overrides));
    bots.push(bot);
    void bot.start();
    return bot;
  }

  /** Sends a message and waits for the bot's `count`-th answer after it. */
  async function ask(text: string, from = ADMIN, timeoutMs = 30_000) {
    const before = telegram.sent.length;
    telegram.say(from, text);
    return vi.waitFor(
      () => {
        const answer = telegram.sent[before];
        if (!answer) throw new Error(`no answer to ${text} within ${timeoutMs} ms`);
        return answer;
      },
      { timeout: timeoutMs, interval: 50 },
    );
  }

  describe('with the service up', () => {
    beforeAll(() => {
      startBot();
    });

    it('/status: everything green, unconfigured APIs grey, the time in Tbilisi', async () => {
      const reply = await ask('/status');
      expect(reply.body.chat_id).toBe(ADMIN);
      const lines = reply.body.text.split('\n');
      expect(lines.slice(0, 11)).toEqual([
        '📊 Статус системы:',
        '',
        '✅ База данных',
        '✅ Temporal',
        '✅ Вебхуки',
        '✅ RentProg tbilisi',
        '✅ RentProg batumi',
        '✅ RentProg kutaisi',
        '✅ RentProg service-center',
        '⚪ Umnico API — не настроено',
        '⚪ Stripe API — не настроено',
      ]);
      expect(lines.at(-1)).toMatch(/^⏰ Время: \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2}$/);
    });

    it('/status: a failing branch shows its reason, dead-lettered webhooks their count', async () => {
      sim.setFault('all_cars@batumi', { status: 500 });
      await database.db.query(
        `INSERT INTO webhook_dead_letters (seq, kind, input, reason, spooled_at)
         VALUES (1, 'event', '{}'::jsonb, 'refused', now()), (2, 'event', '{}'::jsonb, 'refused', now())`,
      );
      try {
        const reply = await ask('/status');
        expect(reply.body.text).toContain('❌ RentProg batumi — server error 500');
        expect(reply.body.text).toContain('✅ RentProg tbilisi');
        expect(reply.body.text).toContain('❌ Вебхуки — 2 в dead letters');
      } finally {
        sim.faults.clear();
        await database.db.query('DELETE FROM webhook_dead_letters');
      }
    });

    it('/sync_rentprog: edits one message with progress, then counts equal to RentProg', async () => {
      sim.setFault('all_bookings', { latencyMs: 400 });
      try {
        const reply = await ask('/sync_rentprog');
        expect(reply.body.text).toBe(`🔄 Синхронизация запущена: ${BRANCHES.join(', ')}`);
        const edits = await editsUntil(reply.body.chat_id, (text) => text.startsWith('📊 Результаты'));
        expect(edits.some((e) => e.body.text!.startsWith('🔄 Синхронизация…'))).toBe(true);
        expect(edits.every((e) => e.body.message_id === messageIdOf(reply))).toBe(true);
        for (let i = 1; i < edits.length; i++)
          expect(edits[i]!.at - edits[i - 1]!.at).toBeGreaterThanOrEqual(1900);
        expect(edits.at(-1)!.body.text).toBe(
          [
            '📊 Результаты синхронизации:',
            '',
            ...BRANCHES.map((b) => {
              const data = sim.branch(b);
              return `✅ ${b}: ${data.count('car')} авто, ${data.count('client')} клиентов, ${data.count('booking')} броней`;
            }),
          ].join('\n'),
        );
      } finally {
        sim.faults.clear();
      }
    });

    it('/sync_rentprog batumi syncs only batumi', async () => {
      const runs = async (b: string) =>
        (await env.client.workflow.getHandle(branchSyncWorkflowId(b)).query(syncStatusQuery)).runsCompleted;
      const before: Record<string, number> = Object.fromEntries(
        await Promise.all(BRANCHES.map(async (b) => [b, await runs(b)] as const)),
      );
      const reply = await ask('/sync_rentprog batumi');
      const edits = await editsUntil(reply.body.chat_id, (text) => text.startsWith('📊 Результаты'));
      expect(edits.at(-1)!.body.text).toMatch(/^📊 Результаты синхронизации:\n\n✅ batumi: \d+ авто/);
      expect(edits.at(-1)!.body.text).not.toContain('tbilisi');
      for (const b of BRANCHES) expect(await runs(b)).toBe(before[b]! + (b === 'batumi' ? 1 : 0));
    });

    it('/sync_rentprog with an unknown branch says which exist', async () => {
      const reply = await ask('/sync_rentprog paris');
      expect(reply.body.text).toBe(`Филиал «paris» не найден. Есть: ${BRANCHES.join(', ')}`);
    });

    it('/sync_status, /webhooks, /help and an unknown command', async () => {
      expect((await ask('/sync_status')).body.text).toMatch(
        /^🔄 Синхронизация по филиалам:\n\n💤 ожидает tbilisi, последняя: /,
      );
      expect((await ask('/webhooks')).body.text).toContain(
        'tbilisi: https://example.org/webhooks/rentprog/tbilisi?t=abc***',
      );
      expect((await ask('/help')).body.text).toContain('/sync_rentprog [филиал]');
      expect((await ask('/deploy')).body.text).toBe('Не знаю такой команды. /help — список команд.');
    });

    it('refuses anyone not in TELEGRAM_ADMIN_IDS, once, and logs their id', async () => {
      const reply = await ask('/status', STRANGER);
      expect(reply.body).toMatchObject({
        chat_id: STRANGER,
        text: 'Извините, этот бот только для сотрудников. Обратитесь к администратору.',
      });
      const sentBefore = telegram.sent.length;
      telegram.say(STRANGER, '/sync_rentprog');
      // The bot takes updates in order: the admin's answer means the stranger's message was handled.
      await ask('/help');
      expect(telegram.sent.slice(sentBefore).map((m) => m.body.chat_id)).toEqual([ADMIN]);
      expect(logs.lines.some((line) => line.includes(`"userId":${STRANGER}`))).toBe(true);
    });
  });

  describe('in webhook mode, behind the ingress', () => {
    const secret = 'telegram-webhook-secret-0123456789';
    /** The ingress the service runs in webhook mode, with `bot` behind its Telegram route. */
    const ingressFor = (bot: Bot) =>
      startIngress({
        client: env.client,
        taskQueue: service.taskQueue,
        webhookSecrets: {},
        logger: logs.logger,
        telegramWebhook: {
          path: TELEGRAM_WEBHOOK_PATH,
          secretToken: secret,
          handler: answerFirst(bot, logs.logger),
        },
      });

    it('answers updates posted with the secret token, and refuses a wrong one', async () => {
      const ingress = await ingressFor(createBot(botDeps()));
      try {
        const update = (id: number) =>
          JSON.stringify({
            update_id: id,
            message: {
              message_id: id,
              date: Math.floor(Date.now() / 1000),
              chat: { id: ADMIN, type: 'private', first_name: 'Оператор' },
              from: { id: ADMIN, is_bot: false, first_name: 'Оператор' },
              text: '/help',
              entities: [{ type: 'bot_command', offset: 0, length: 5 }],
            },
          });
        const wrong = await ingress.post(TELEGRAM_WEBHOOK_PATH, update(900), {
          'X-Telegram-Bot-Api-Secret-Token': 'not-the-secret',
        });
        expect(wrong.status).toBe(401);
        const before = telegram.sent.length;
        const right = await ingress.post(TELEGRAM_WEBHOOK_PATH, update(901), {
          'X-Telegram-Bot-Api-Secret-Token': secret,
        });
        expect(right.status).toBe(200);
        await vi.waitFor(() =>
          expect(telegram.sent.slice(before).map((m) => m.body.text)).toEqual([botTexts.help]),
        );
        expect((await ingress.post(`/telegram/${secret}`, update(902))).status).toBe(404);
      } finally {
        await ingress.close();
      }
    });

    it('answers Telegram before the update is handled, however long that takes', async () => {
      const stuck = new Bot('123:stuck', {
        botInfo: { id: 123, is_bot: true, first_name: 'stuck' } as never,
      });
      let handled = false;
      stuck.use(async () => {
        handled = true;
        await new Promise(() => undefined);
      });
      const ingress = await ingressFor(stuck);
      try {
        const update = {
          update_id: 1,
          message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: 'hi' },
        };
        const answer = await ingress.post(TELEGRAM_WEBHOOK_PATH, JSON.stringify(update), {
          'X-Telegram-Bot-Api-Secret-Token': secret,
        });
        expect(answer.status).toBe(200);
        await vi.waitFor(() => expect(handled).toBe(true));
      } finally {
        await ingress.close();
      }
    });
  });

  describe('with Temporal down', () => {
    it('/status still answers, with Temporal failed and the rest checked directly', async () => {
      for (const bot of bots.splice(0)) await bot.stop();
      // Without the SDK's retry interceptor: its retry timers outlive the call's deadline
      // and throw uncaught once the connection is closed.
      const connection = Connection.lazy({ address: '127.0.0.1:1', interceptors: [] });
      startBot({ client: new Client({ connection }) });
      // Within 20 s, or ask() fails: the Temporal probe gives up instead of hanging /status.
      const reply = await ask('/status', ADMIN, 20_000);
      expect(reply.body.text).toContain('❌ Temporal — недоступен');
      expect(reply.body.text).toContain('✅ База данных');
      expect(reply.body.text).toContain('✅ RentProg kutaisi');
      await connection.close();
    });
  });

  const messageIdOf = (reply: { result?: unknown }) => (reply.result as { message_id: number }).message_id;

  async function editsUntil(chatId: number | string, last: (text: string) => boolean, timeoutMs = 60_000) {
    const start = telegram.calls.length;
    return vi.waitFor(
      () => {
        const edits = telegram.calls
          .slice(start)
          .filter((c) => c.method === 'editMessageText' && c.body.chat_id === chatId);
        if (!edits.some((e) => last(e.body.text ?? '')))
          throw new Error(`no final edit: ${JSON.stringify(edits.map((e) => e.body.text))}`);
        return edits;
      },
      { timeout: timeoutMs, interval: 100 },
    );
  }
});
