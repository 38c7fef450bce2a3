import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverOnce } from '../../src/telegram/deliver-once.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';

const TOKEN = '123456:fake-token-for-the-delivery-tests';

describe('a Telegram message sent at most once per key and chat', () => {
  let database: TestDatabase;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  const settings = () => ({ botToken: TOKEN, apiRoot: telegram.apiRoot });
  const sentTo = (chat: number) => telegram.sent.filter((call) => call.body.chat_id === chat);

  beforeAll(async () => {
    database = await createTestDatabase();
    telegram = await startFakeTelegram();
  });
  afterAll(async () => {
    await telegram?.close();
    await database?.drop();
  });

  it('sends once, and a retried caller finds it already sent', async () => {
    const delivery = { key: 'event:wf-1:run-1:issue', chatId: -1001, text: 'Выдача авто' };
    expect(await deliverOnce(database.db, settings(), delivery)).toBe('sent');
    expect(await deliverOnce(database.db, settings(), delivery)).toBe('already sent');
    expect(sentTo(-1001).map((call) => call.body.text)).toEqual(['Выдача авто']);
    // The same key to another chat is another message.
    expect(await deliverOnce(database.db, settings(), { ...delivery, chatId: -1002 })).toBe('sent');
    expect(sentTo(-1002)).toHaveLength(1);
  });

  it('does not send again after an attempt that died mid-send, and says it is uncertain', async () => {
    await database.db.query(
      `INSERT INTO telegram_deliveries (key, chat_id, state) VALUES ('event:wf-2:run-1:return', '-1003', 'sending')`,
    );
    const outcome = await deliverOnce(database.db, settings(), {
      key: 'event:wf-2:run-1:return',
      chatId: -1003,
      text: 'Возврат авто',
    });
    expect(outcome).toBe('uncertain');
    expect(sentTo(-1003)).toHaveLength(0);
    const [row] = await database.db.query<{ state: string }>(
      `SELECT state FROM telegram_deliveries WHERE key = 'event:wf-2:run-1:return'`,
    );
    expect(row?.state).toBe('uncertain');
  });

  it('waits out Telegram’s flood limit, then the retry sends it once', async () => {
    const delivery = { key: 'agenda:tbilisi:2026-12-02', chatId: -1004, text: 'Повестка' };
    telegram.failNext('sendMessage', 429, 'Too Many Requests: retry after 7', { retryAfter: 7 });
    const failure = await deliverOnce(database.db, settings(), delivery).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nextRetryDelay).toBe(7000);
    expect(sentTo(-1004)).toHaveLength(0);
    expect(await deliverOnce(database.db, settings(), delivery)).toBe('sent');
    expect(await deliverOnce(database.db, settings(), delivery)).toBe('already sent');
    expect(sentTo(-1004)).toHaveLength(1);
  });

  it('gives up at once when Telegram refuses the chat', async () => {
    telegram.failNext('sendMessage', 400, 'Bad Request: chat not found');
    const failure = await deliverOnce(database.db, settings(), {
      key: 'incident:1:opened',
      chatId: -1005,
      text: 'Инцидент',
    }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).message).toContain('chat not found');
  });

  it('sends a long text in parts, and after a failed part goes on from the first part not sent', async () => {
    const text = Array.from({ length: 400 }, (_, i) => `строка ${i} `.padEnd(40, '·')).join('\n');
    const delivery = { key: 'agenda:batumi:2026-12-02', chatId: -1006, text };
    // The first part goes through, the second meets a Telegram hiccup.
    telegram.failNext('sendMessage', 502, 'Bad Gateway', { skip: 1 });
    await expect(deliverOnce(database.db, settings(), delivery)).rejects.toBeInstanceOf(ApplicationFailure);
    expect(sentTo(-1006)).toHaveLength(1);
    expect(await deliverOnce(database.db, settings(), delivery)).toBe('sent');
    const parts = sentTo(-1006).map((call) => call.body.text);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('\n')).toBe(text);
  });
});
