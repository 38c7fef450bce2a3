import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agendaText } from '../../src/activities/agenda/agenda-text.js';
import { createAgendaActivities } from '../../src/activities/agenda/agenda-activities.js';
import { dayBounds, localDayOf } from '../../src/time/local-day.js';
import { readAgenda } from '../../src/store/agenda-queries.js';
import { splitText, TELEGRAM_MAX_TEXT } from '../../src/telegram/split-text.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { insertBooking, insertCar, insertClient } from './rows.js';

const TBILISI = 'Asia/Tbilisi';
const display = {
  branchNames: { tbilisi: 'Тбилиси', batumi: 'Батуми', berlin: 'Берлин' },
  timeZones: { tbilisi: TBILISI, batumi: TBILISI, berlin: 'Europe/Berlin' },
  usualZone: TBILISI,
};
const CANCEL = ['Отмена', 'Отказ клиента'];

describe("a branch's agenda for a local day", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.db;
    await insertCar(db, { branch: 'tbilisi', id: 501, name: 'Toyota Camry', plate: 'AA-123-BB' });
    await insertCar(db, { branch: 'tbilisi', id: 502, name: 'Kia Rio', plate: 'KK-777-RR' });
    await insertClient(db, {
      branch: 'tbilisi',
      id: 701,
      name: 'Иван',
      lastname: 'Петров',
      phone: '+995 555 11 22 33',
    });
    await insertClient(db, {
      branch: 'tbilisi',
      id: 702,
      name: 'Нино',
      lastname: 'Беридзе',
      phone: '+995 599 00 00 01',
    });
    const booking = { branch: 'tbilisi', carId: 501, clientId: 701, from: 'Аэропорт', to: 'Офис' };
    // Tbilisi is UTC+4 all year: 10:00 there is 06:00Z.
    await insertBooking(db, {
      ...booking,
      id: 9001,
      number: 11,
      start: '2026-12-02T06:00:00Z',
      end: '2026-12-05T06:00:00Z',
    });
    await insertBooking(db, {
      ...booking,
      id: 9002,
      number: 12,
      carId: 502,
      clientId: 702,
      start: '2026-11-28T08:00:00Z',
      end: '2026-12-02T14:30:00Z',
    });
    // 00:30 on 2 December in Tbilisi is still 1 December in UTC.
    await insertBooking(db, {
      ...booking,
      id: 9003,
      number: 13,
      start: '2026-12-01T20:30:00Z',
      end: '2026-12-04T20:30:00Z',
    });
    await insertBooking(db, {
      ...booking,
      id: 9004,
      number: 14,
      state: 'Отмена',
      start: '2026-12-02T08:00:00Z',
      end: '2026-12-06T08:00:00Z',
    });
    // Moved from the 2nd to the 3rd: the mirror has the new start only.
    await insertBooking(db, {
      ...booking,
      id: 9005,
      number: 15,
      start: '2026-12-03T05:00:00Z',
      end: '2026-12-07T05:00:00Z',
    });
    await insertBooking(db, {
      ...booking,
      id: 9006,
      number: 16,
      clientId: null,
      technical: true,
      from: 'Автосервис',
      start: '2026-12-02T11:00:00Z',
      end: '2026-12-02T13:00:00Z',
    });
    await insertBooking(db, {
      ...booking,
      id: 9007,
      number: 17,
      deleted: true,
      start: '2026-12-02T07:00:00Z',
      end: '2026-12-08T07:00:00Z',
    });
    await insertBooking(db, {
      ...booking,
      branch: 'batumi',
      id: 9008,
      number: 18,
      start: '2026-12-02T07:30:00Z',
      end: '2026-12-09T07:30:00Z',
    });
  });
  afterAll(async () => {
    await database?.drop();
  });

  const agendaOf = async (branch: string, day: string) =>
    (await agendaText(database.db, display, { branch, day, cancelStates: CANCEL })).text;

  it('lists the day’s handovers and returns in time order; cancelled, deleted, moved away and other branches are not there', async () => {
    expect(await agendaOf('tbilisi', '2026-12-02')).toBe(
      [
        '📅 Тбилиси · ср, 02.12.2026',
        'Выдач: 3 · возвратов: 2',
        '',
        '00:30 🚗 Выдача №13 · Toyota Camry AA-123-BB · Иван Петров, +995 555 11 22 33 · 📍 Аэропорт',
        '10:00 🚗 Выдача №11 · Toyota Camry AA-123-BB · Иван Петров, +995 555 11 22 33 · 📍 Аэропорт',
        '15:00 🚗 Выдача №16 · Toyota Camry AA-123-BB · 🔧 служебная поездка · 📍 Автосервис',
        '17:00 🔙 Возврат №16 · Toyota Camry AA-123-BB · 🔧 служебная поездка · 📍 Офис',
        '18:30 🔙 Возврат №12 · Kia Rio KK-777-RR · Нино Беридзе, +995 599 00 00 01 · 📍 Офис',
      ].join('\n'),
    );
  });

  it('puts a booking at 00:30 local time on its local day, not on the UTC one', async () => {
    const onFirst = await readAgenda(database.db, {
      branch: 'tbilisi',
      ...dayBounds('2026-12-01', TBILISI),
      cancelStates: CANCEL,
    });
    expect(onFirst.map((e) => e.number)).toEqual([]);
    expect(localDayOf(new Date('2026-12-01T20:30:00Z'), TBILISI)).toBe('2026-12-02');
    expect(localDayOf(new Date('2026-12-01T20:30:00Z'), 'UTC')).toBe('2026-12-01');
  });

  it('shows a booking moved to the next day there, and an empty day as such', async () => {
    expect(await agendaOf('tbilisi', '2026-12-03')).toContain(
      '09:00 🚗 Выдача №15 · Toyota Camry AA-123-BB · Иван Петров, +995 555 11 22 33 · 📍 Аэропорт',
    );
    expect(await agendaOf('tbilisi', '2026-12-20')).toBe(
      '📅 Тбилиси · вс, 20.12.2026\nНи выдач, ни возвратов.',
    );
  });

  it('says which zone a branch away from the usual one is in', async () => {
    expect(await agendaOf('berlin', '2026-12-02')).toBe(
      '📅 Берлин · ср, 02.12.2026 (Europe/Berlin, UTC+1)\nНи выдач, ни возвратов.',
    );
  });

  it('a busy day goes as several messages, every line whole', async () => {
    for (let i = 0; i < 80; i++) {
      await insertBooking(database.db, {
        branch: 'batumi',
        id: 10_000 + i,
        number: 1000 + i,
        carId: 501,
        clientId: 701,
        from: 'Отель «Морская звезда», набережная, 15',
        to: 'Офис',
        start: new Date(Date.UTC(2026, 11, 14, 5) + i * 60_000).toISOString(),
        end: '2026-12-20T05:00:00Z',
      });
    }
    const text = await agendaOf('batumi', '2026-12-14');
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
    expect(parts.join('\n')).toBe(text);
    const lines = parts.flatMap((part) => part.split('\n'));
    expect(lines.filter((line) => line.includes('🚗 Выдача №'))).toHaveLength(80);
  });
});

describe('the sendAgenda activity', () => {
  let database: TestDatabase;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    telegram = await startFakeTelegram();
    await insertBooking(database.db, {
      branch: 'tbilisi',
      id: 9101,
      number: 21,
      from: 'Аэропорт',
      start: '2026-12-02T06:00:00Z',
      end: '2026-12-09T06:00:00Z',
    });
  });
  afterAll(async () => {
    await telegram?.close();
    await database?.drop();
  });

  const activities = (notifyChats: Record<string, number>, now: Date) =>
    createAgendaActivities({
      db: database.db,
      telegram: { botToken: '1:agenda', apiRoot: telegram.apiRoot, notifyChats },
      branchNames: display.branchNames,
      timeZones: display.timeZones,
      cancelStates: CANCEL,
      now: () => now,
    });

  it('sends the day of the scheduled time, not of the clock, once per day and chat', async () => {
    // The run starts late, past midnight: it is still the 2nd's agenda the schedule meant.
    const agenda = activities({ tbilisi: -100 }, new Date('2026-12-02T21:00:00Z'));
    const scheduledAt = '2026-12-02T05:00:00.000Z';
    expect(await agenda.sendAgenda({ branch: 'tbilisi', scheduledAt })).toEqual({
      sent: true,
      day: '2026-12-02',
      entries: 1,
      outcome: 'sent',
    });
    expect(await agenda.sendAgenda({ branch: 'tbilisi', scheduledAt })).toMatchObject({
      outcome: 'already sent',
    });
    const sent = telegram.sent.filter((m) => m.body.chat_id === -100);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.text).toContain('📅 Тбилиси · ср, 02.12.2026');
    expect(sent[0]!.body.text).toContain('10:00 🚗 Выдача №21');
  });

  it('without a scheduled time reads the day from the clock, in the branch zone', async () => {
    const agenda = activities({ tbilisi: -101 }, new Date('2026-12-02T21:00:00Z'));
    expect(await agenda.sendAgenda({ branch: 'tbilisi' })).toMatchObject({
      sent: true,
      day: '2026-12-03',
      entries: 0,
    });
  });

  it('sends nothing for a branch without a chat, and says so', async () => {
    const agenda = activities({}, new Date('2026-12-02T05:00:00Z'));
    const before = telegram.sent.length;
    expect(await agenda.sendAgenda({ branch: 'batumi' })).toEqual({
      sent: false,
      day: '2026-12-02',
      reason: 'no chat for the branch',
    });
    expect(telegram.sent.length).toBe(before);
  });
});
