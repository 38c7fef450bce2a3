import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Bot } from 'grammy';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBot } from '../../src/bot/create-bot.js';
import { TELEGRAM_MAX_TEXT } from '../../src/telegram/split-text.js';
import { insertBooking, insertCar, insertClient } from '../agenda/rows.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { captureLogs } from '../helpers/log-capture.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';

const ADMIN = 5002;
const TOKEN = '123456:fake-token-for-the-lookup-tests';
const BRANCHES = ['tbilisi', 'batumi', 'kutaisi'];
const ZONE = 'Asia/Tbilisi';
// Wednesday 2 December 2026, 11:00 in Tbilisi (UTC+4).
const NOW = new Date('2026-12-02T07:00:00Z');
const minutesAgo = (n: number) => new Date(NOW.getTime() - n * 60_000).toISOString();
const local = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+04:00`).toISOString();

describe('/today, /tomorrow, /booking and /car through the bot', () => {
  const logs = captureLogs();
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  let bot: Bot;
  let now = NOW;

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    telegram = await startFakeTelegram();
    const db = database.db;
    await insertCar(db, {
      branch: 'tbilisi',
      id: 501,
      name: 'Toyota Camry',
      plate: 'AA-123-BB',
      fetchedAt: minutesAgo(5),
    });
    await insertCar(db, {
      branch: 'batumi',
      id: 502,
      name: 'Kia Rio',
      plate: 'KK 777 RR',
      state: 2,
      fetchedAt: minutesAgo(125),
    });
    await insertCar(db, { branch: 'tbilisi', id: 503, name: 'Hyundai Tucson', plate: 'TT-124-AA' });
    for (let i = 0; i < 12; i++) {
      await insertCar(db, {
        branch: 'kutaisi',
        id: 600 + i,
        name: 'Škoda Octavia',
        plate: `XY-${200 + i}-ZZ`,
      });
    }
    await insertClient(db, {
      branch: 'tbilisi',
      id: 701,
      name: 'Иван',
      lastname: 'Петров',
      phone: '+995 555 11 22 33',
    });
    await insertBooking(db, {
      branch: 'tbilisi',
      id: 900001,
      number: 11,
      carId: 501,
      clientId: 701,
      total: 350,
      from: 'Аэропорт',
      to: 'Офис',
      start: local('2026-12-02', '14:00'),
      end: local('2026-12-04', '10:00'),
      fetchedAt: minutesAgo(3),
    });
    // The same number in Batumi: a staff trip, tomorrow.
    await insertBooking(db, {
      branch: 'batumi',
      id: 900002,
      number: 11,
      carId: 502,
      technical: true,
      from: 'Автосервис',
      to: 'Офис',
      start: local('2026-12-03', '09:00'),
      end: local('2026-12-03', '18:00'),
      fetchedAt: minutesAgo(1),
    });
    // Cancelled today, and one long over: neither is the car's next move.
    await insertBooking(db, {
      branch: 'tbilisi',
      id: 900003,
      number: 12,
      carId: 501,
      clientId: 701,
      state: 'Отмена',
      start: local('2026-12-02', '12:00'),
      end: local('2026-12-03', '12:00'),
    });
    await insertBooking(db, {
      branch: 'tbilisi',
      id: 900004,
      number: 13,
      carId: 501,
      clientId: 701,
      state: 'Завершена',
      start: local('2026-11-25', '10:00'),
      end: local('2026-12-01', '10:00'),
    });
    // A busy day in Kutaisi, far from the others.
    for (let i = 0; i < 80; i++) {
      await insertBooking(db, {
        branch: 'kutaisi',
        id: 910_000 + i,
        number: 2000 + i,
        carId: 600 + (i % 12),
        clientId: 701,
        from: 'Отель «Колхида», проспект Руставели, 12',
        to: 'Офис',
        start: new Date(Date.parse(local('2026-12-10', '08:00')) + i * 5 * 60_000).toISOString(),
        end: local('2026-12-20', '08:00'),
      });
    }

    bot = createBot({
      token: TOKEN,
      apiRoot: telegram.apiRoot,
      adminIds: [ADMIN],
      client: env.client,
      taskQueue: uniqueTaskQueue('lookups'),
      branches: BRANCHES,
      branchNames: { tbilisi: 'Тбилиси', batumi: 'Батуми', kutaisi: 'Кутаиси' },
      timeZone: ZONE,
      timeZones: Object.fromEntries(BRANCHES.map((b) => [b, ZONE])),
      cancelStates: ['Отмена', 'Отказ клиента'],
      db,
      webhookUrls: [],
      logger: logs.logger,
      now: () => now,
    });
    void bot.start();
  });
  afterAll(async () => {
    await bot?.stop();
    await telegram?.close();
    await database?.drop();
    await env?.teardown();
    const everything = logs.lines.join('\n');
    expect(everything).not.toContain('+995');
    expect(everything).not.toContain('Петров');
  });

  /** Sends a command and returns the bot's answer: every message up to the one `last` finds. */
  async function ask(text: string, last: (text: string) => boolean = () => true): Promise<string[]> {
    const before = telegram.sent.length;
    telegram.say(ADMIN, text);
    return vi.waitFor(
      () => {
        const answers = telegram.sent.slice(before).map((m) => m.body.text);
        if (!answers.some(last)) throw new Error(`no full answer to ${text}: ${JSON.stringify(answers)}`);
        return answers;
      },
      { timeout: 30_000, interval: 50 },
    );
  }

  const TBILISI_TODAY = [
    '📅 Тбилиси · ср, 02.12.2026',
    'Выдач: 1 · возвратов: 0',
    '',
    '14:00 🚗 Выдача №11 · Toyota Camry AA-123-BB · Иван Петров, +995 555 11 22 33 · 📍 Аэропорт',
  ].join('\n');

  it('/today tbilisi: the branch’s handovers and returns of its local day, cancelled ones left out', async () => {
    expect(await ask('/today tbilisi')).toEqual([TBILISI_TODAY]);
  });

  it('/tomorrow Батуми: by the name people use, a staff trip labelled as such', async () => {
    expect(await ask('/tomorrow Батуми')).toEqual([
      [
        '📅 Батуми · чт, 03.12.2026',
        'Выдач: 1 · возвратов: 1',
        '',
        '09:00 🚗 Выдача №11 · Kia Rio KK 777 RR · 🔧 служебная поездка · 📍 Автосервис',
        '18:00 🔙 Возврат №11 · Kia Rio KK 777 RR · 🔧 служебная поездка · 📍 Офис',
      ].join('\n'),
    ]);
  });

  it('/today without a branch: every branch, an empty day said so', async () => {
    expect(await ask('/today')).toEqual([
      [
        TBILISI_TODAY,
        '📅 Батуми · ср, 02.12.2026\nНи выдач, ни возвратов.',
        '📅 Кутаиси · ср, 02.12.2026\nНи выдач, ни возвратов.',
      ].join('\n\n'),
    ]);
  });

  it('/today with an unknown branch says which exist', async () => {
    expect(await ask('/today paris')).toEqual([`Филиал «paris» не найден. Есть: ${BRANCHES.join(', ')}`]);
  });

  it('a busy day comes as several messages, none over the limit, no line cut', async () => {
    now = new Date('2026-12-10T05:00:00Z');
    try {
      const answers = await ask('/today кутаиси', (text) => text.includes('№2079'));
      expect(answers.length).toBeGreaterThan(1);
      for (const answer of answers) expect(answer.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
      const lines = answers
        .flatMap((answer) => answer.split('\n'))
        .filter((line) => line.includes('Выдача №'));
      expect(lines).toHaveLength(80);
      for (const line of lines)
        expect(line).toMatch(
          /^\d{2}:\d{2} 🚗 Выдача №20\d\d · .+ · 📍 Отель «Колхида», проспект Руставели, 12$/,
        );
    } finally {
      now = NOW;
    }
  });

  it('/booking by RentProg id: the card, and how fresh it is', async () => {
    expect(await ask('/booking 900001')).toEqual([
      [
        '📄 Бронь №11 · ID 900001',
        '🏢 Тбилиси',
        '👤 Иван Петров, +995 555 11 22 33',
        '🚘 Toyota Camry AA-123-BB',
        '📌 Статус: Подтверждена',
        '💰 Сумма: 350',
        '🚗 Выдача: 02.12 14:00 · 📍 Аэропорт',
        '🔙 Возврат: 04.12 10:00 · 📍 Офис',
        '🕒 обновлено 3 мин назад',
      ].join('\n'),
    ]);
  });

  it('/booking by number: every branch’s booking with it; none: says so', async () => {
    const [answer] = await ask('/booking 11');
    expect(answer).toMatch(
      /^Найдено броней: 2\n\n📄 Бронь №11 · ID 900002\n🏢 Батуми\n🔧 служебная поездка\n/,
    );
    expect(answer).toContain('\n\n📄 Бронь №11 · ID 900001\n🏢 Тбилиси\n👤 Иван Петров, +995 555 11 22 33\n');
    expect(answer).toContain(
      '🚗 Выдача: 03.12 09:00 · 📍 Автосервис\n🔙 Возврат: 03.12 18:00 · 📍 Офис\n🕒 обновлено 1 мин назад',
    );
    expect(await ask('/booking 404')).toEqual(['Бронь «404» не найдена.']);
    expect(await ask('/booking')).toEqual(['Укажите номер брони или её ID в RentProg: /booking 1234']);
  });

  it('/car by part of a plate, in any case and spacing: where it is, its next move, how fresh', async () => {
    expect(await ask('/car aa 123')).toEqual([
      [
        '🚘 Toyota Camry AA-123-BB · ID 501',
        '🏢 Сейчас в филиале: Тбилиси',
        '📌 Статус: 1',
        '➡️ Следующая выдача: 02.12 14:00 · 📍 Аэропорт (бронь №11)',
        '🕒 обновлено 5 мин назад',
      ].join('\n'),
    ]);
    expect(await ask('/car kk-777')).toEqual([
      [
        '🚘 Kia Rio KK 777 RR · ID 502',
        '🏢 Сейчас в филиале: Батуми',
        '📌 Статус: 2',
        '➡️ Следующая выдача: 03.12 09:00 · 📍 Автосервис (бронь №11)',
        '🕒 обновлено 2 ч назад',
      ].join('\n'),
    ]);
  });

  it('/car with many matches shows ten and counts the rest; none: says so', async () => {
    const [answer] = await ask('/car xy');
    expect(answer).toMatch(/^Найдено авто: 12\n\n/);
    expect(answer!.match(/^🚘 /gm)).toHaveLength(10);
    expect(answer).toMatch(/\n\n…и ещё 2\. Уточните номер, чтобы увидеть остальные\.$/);
    expect(await ask('/car zz999')).toEqual(['Авто с номером «zz999» не найдено.']);
  });

  it('/help lists the new commands', async () => {
    const [help] = await ask('/help');
    expect(help).toContain('/today [филиал]');
    expect(help).toContain('/booking <номер или ID>');
    expect(help).toContain('/car <госномер или его часть>');
  });
});
