/** Answers to `/booking` and `/car`: what Postgres knows of a booking or a car, and how fresh it is. */
import type { BookingCard, CarCard } from '../store/lookup-queries.js';
import { type BranchDisplay, carWithPlate, clientWithPhone, SERVICE_TRIP, zoneOf } from './agenda.js';
import { branchLabel, formatShort, orDash, zoneNote } from './format.js';

/** `обновлено 5 мин назад`: how long ago the row was last read from RentProg. */
export function freshness(refreshedAt: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - refreshedAt.getTime()) / 60_000);
  if (minutes < 1) return 'обновлено только что';
  if (minutes < 60) return `обновлено ${minutes} мин назад`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `обновлено ${hours} ч назад`;
  return `обновлено ${Math.floor(hours / 24)} дн назад`;
}

function when(display: BranchDisplay, branch: string, at: Date | null, place: string | null): string {
  if (!at) return `— · 📍 ${orDash(place)}`;
  const timeZone = zoneOf(display, branch);
  return `${formatShort(at, timeZone)}${zoneNote(timeZone, display.usualZone, at)} · 📍 ${orDash(place)}`;
}

function bookingCard(display: BranchDisplay, card: BookingCard, now: Date): string {
  return [
    `📄 Бронь №${orDash(card.number)} · ID ${card.rentprogId}`,
    `🏢 ${branchLabel(display.branchNames, card.branch)}`,
    card.technical ? SERVICE_TRIP : `👤 ${clientWithPhone(card.clientName, card.clientPhone)}`,
    `🚘 ${carWithPlate(card.carName, card.plate)}`,
    `📌 Статус: ${orDash(card.state)}`,
    `💰 Сумма: ${orDash(card.total)}`,
    `🚗 Выдача: ${when(display, card.branch, card.startAt, card.startPlace)}`,
    `🔙 Возврат: ${when(display, card.branch, card.endAt, card.endPlace)}`,
    ...(card.deleted ? ['🗑 Удалена в RentProg'] : []),
    `🕒 ${freshness(card.refreshedAt, now)}`,
  ].join('\n');
}

function carCard(display: BranchDisplay, car: CarCard, now: Date): string {
  const next = car.next
    ? `➡️ ${car.next.kind === 'handover' ? 'Следующая выдача' : 'Следующий возврат'}: ` +
      `${when(display, car.next.branch, car.next.at, car.next.place)} (бронь №${orDash(car.next.number)})`
    : '➡️ Впереди ни выдач, ни возвратов';
  return [
    `🚘 ${carWithPlate(car.carName, car.plate)} · ID ${car.rentprogId}`,
    `🏢 Сейчас в филиале: ${branchLabel(display.branchNames, car.branch)}`,
    `📌 Статус: ${orDash(car.state)}`,
    next,
    `🕒 ${freshness(car.refreshedAt, now)}`,
  ].join('\n');
}

export const lookupTexts = {
  bookingUsage: 'Укажите номер брони или её ID в RentProg: /booking 1234',
  bookingNotFound: (query: string) => `Бронь «${query}» не найдена.`,
  bookings: (display: BranchDisplay, cards: BookingCard[], now: Date): string =>
    [
      ...(cards.length > 1 ? [`Найдено броней: ${cards.length}`, ''] : []),
      cards.map((card) => bookingCard(display, card, now)).join('\n\n'),
    ].join('\n'),

  carUsage: 'Укажите госномер авто или его часть: /car 123',
  carNotFound: (query: string) => `Авто с номером «${query}» не найдено.`,
  cars: (display: BranchDisplay, cars: CarCard[], matches: number, now: Date): string =>
    [
      ...(matches > 1 ? [`Найдено авто: ${matches}`, ''] : []),
      cars.map((car) => carCard(display, car, now)).join('\n\n'),
      ...(matches > cars.length
        ? ['', `…и ещё ${matches - cars.length}. Уточните номер, чтобы увидеть остальные.`]
        : []),
    ].join('\n'),
};
