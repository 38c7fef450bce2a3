import { describe, expect, it } from 'vitest';
import { type BookingNotice, notificationTexts } from '../../src/texts/notifications.js';

const at = (iso: string) => new Date(iso);

const booking: BookingNotice = {
  branch: 'Тбилиси',
  rentprogId: 100013,
  number: 12,
  technical: false,
  client: { name: 'Нино Беридзе', phone: '+995 555 123 456' },
  car: { name: 'Toyota Prius', plate: 'AB-123-CD' },
  // 10:00 and 15.12 12:00 in Tbilisi (UTC+4).
  handover: { time: { now: at('2026-12-10T06:00:00Z') }, place: { now: 'Аэропорт' } },
  return: { time: { now: at('2026-12-15T08:00:00Z') }, place: { now: 'Офис' } },
  state: { now: 'Новая' },
  source: 'widget',
  timeZone: 'Asia/Tbilisi',
  usualZone: 'Asia/Tbilisi',
  detailsMissing: false,
};

describe('notification texts', () => {
  it('a created booking: who, which car, when and where, from the website', () => {
    expect(notificationTexts.created(booking)).toBe(
      [
        '🆕 Новая бронь · Тбилиси',
        'Бронь №12 · ID 100013',
        '👤 Нино Беридзе · +995 555 123 456',
        '🚙 Toyota Prius · AB-123-CD',
        '🔑 Выдача: 10.12 10:00 · Аэропорт',
        '🏁 Возврат: 15.12 12:00 · Офис',
        '🌐 Источник: с сайта',
      ].join('\n'),
    );
    expect(notificationTexts.created({ ...booking, source: 'Сотрудник' })).toContain(
      '🌐 Источник: Сотрудник',
    );
  });

  it('a handover moved: old → new for the time and the place', () => {
    const moved: BookingNotice = {
      ...booking,
      handover: {
        time: { was: at('2026-12-10T06:00:00Z'), now: at('2026-12-11T08:00:00Z') },
        place: { was: 'Офис', now: 'Аэропорт' },
      },
    };
    expect(notificationTexts.changed(moved, ['issue'])).toBe(
      [
        '🚗 Выдача авто · Тбилиси',
        'Бронь №12 · ID 100013',
        '👤 Нино Беридзе · +995 555 123 456',
        '🚙 Toyota Prius · AB-123-CD',
        '🕒 10.12 10:00 → 11.12 12:00',
        '📍 Офис → Аэропорт',
      ].join('\n'),
    );
  });

  it('handover and return both moved: one message with both', () => {
    const both: BookingNotice = {
      ...booking,
      handover: {
        time: { was: at('2026-12-10T06:00:00Z'), now: at('2026-12-11T06:00:00Z') },
        place: { now: 'Офис' },
      },
      return: {
        time: { was: at('2026-12-15T08:00:00Z'), now: at('2026-12-16T08:00:00Z') },
        place: { now: 'Офис' },
      },
    };
    expect(notificationTexts.changed(both, ['issue', 'return'])).toBe(
      [
        '🚗🔙 Выдача и возврат авто · Тбилиси',
        'Бронь №12 · ID 100013',
        '👤 Нино Беридзе · +995 555 123 456',
        '🚙 Toyota Prius · AB-123-CD',
        'Выдача:',
        '🕒 10.12 10:00 → 11.12 10:00',
        '📍 Офис',
        'Возврат:',
        '🕒 15.12 12:00 → 16.12 12:00',
        '📍 Офис',
      ].join('\n'),
    );
  });

  it('names the zone when the branch is not in the usual one', () => {
    const istanbul = { ...booking, timeZone: 'Europe/Istanbul' };
    expect(notificationTexts.changed(istanbul, ['return'])).toContain(
      '🕒 15.12 11:00 (Europe/Istanbul, UTC+3)',
    );
  });

  it('a cancellation: the state change and what no longer happens', () => {
    expect(notificationTexts.cancelled({ ...booking, state: { was: 'Подтверждена', now: 'Отмена' } })).toBe(
      [
        '❌ Бронь отменена · Тбилиси',
        'Бронь №12 · ID 100013',
        '👤 Нино Беридзе · +995 555 123 456',
        '🚙 Toyota Prius · AB-123-CD',
        '📋 Подтверждена → Отмена',
        '🔑 Выдача: 10.12 10:00 · Аэропорт',
        '🏁 Возврат: 15.12 12:00 · Офис',
      ].join('\n'),
    );
  });

  it('a service trip is labelled, with no customer presented', () => {
    const text = notificationTexts.changed({ ...booking, technical: true }, ['issue']);
    expect(text).toContain('🔧 Служебная поездка');
    expect(text).not.toContain('Нино');
    expect(text).not.toContain('+995');
  });

  it('from the webhook alone: says the details are missing, shows what it carried as RentProg wrote it', () => {
    const bare: BookingNotice = {
      ...booking,
      number: null,
      client: {},
      car: {},
      handover: { time: { was: '10-12-2026 10:00', now: 'завтра' }, place: { now: null } },
      detailsMissing: true,
    };
    expect(notificationTexts.changed(bare, ['issue'])).toBe(
      [
        '🚗 Выдача авто · Тбилиси',
        '⚠️ Подробности из RentProg недоступны',
        'Бронь №— · ID 100013',
        '🚙 —',
        '🕒 10-12-2026 10:00 → завтра',
        '📍 —',
      ].join('\n'),
    );
  });

  it('a moved car, to the branch it arrived at and the one it left', () => {
    const car = {
      rentprogId: 10001,
      car: { name: 'Kia Sportage', plate: 'KM-456-OP' },
      detailsMissing: false,
    };
    expect(notificationTexts.carArrived({ ...car, branch: 'Кутаиси' }, { branch: 'Батуми' })).toBe(
      [
        '🔁 Перемещение авто · Кутаиси',
        '🚙 Kia Sportage · KM-456-OP',
        '📥 Авто прибыло из Батуми',
        'ID 10001',
      ].join('\n'),
    );
    expect(notificationTexts.carLeft({ ...car, branch: 'Батуми' }, { branch: 'Кутаиси' })).toContain(
      '📤 Авто уехало в Кутаиси',
    );
    expect(notificationTexts.carArrived({ ...car, branch: 'Кутаиси' }, { companyId: 123 })).toContain(
      '📥 Авто прибыло из компании 123 (не наш филиал)',
    );
  });
});
