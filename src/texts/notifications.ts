/** What a branch chat reads about an event: a booking created, moved or cancelled, a car moved. */

import { formatShort, orDash, zoneNote } from './format.js';

/** A value as it is now, or as it was and is now when the event changed it. */
export type Shown<T> = { now: T } | { was: T; now: T };

/** A time: an instant shown in the branch's zone, or RentProg's text when it could not be read. */
export type TimeValue = Date | string | null | undefined;

export interface Moment {
  time: Shown<TimeValue>;
  place: Shown<string | null | undefined>;
}

export interface BookingNotice {
  /** The branch as people call it. */
  branch: string;
  rentprogId: number;
  number?: number | string | null;
  /** A service or staff trip: no customer to present. */
  technical: boolean;
  client: { name?: string | null; phone?: string | null };
  car: { name?: string | null; plate?: string | null };
  handover: Moment;
  return: Moment;
  state: Shown<string | null | undefined>;
  /** Where a booking came from: RentProg's `source`. */
  source?: string | null;
  /** The branch's zone, and the first branch's zone (a note says which when they differ). */
  timeZone: string;
  usualZone: string;
  /** RentProg could not give the record: only what the webhook carried is known. */
  detailsMissing: boolean;
}

/** Where a car came from or went: one of our branches, a company that is not ours, or unknown. */
export type CarPlace = { branch: string } | { companyId: number | string } | undefined;

export interface CarMoveNotice {
  /** The branch whose chat reads this, as people call it. */
  branch: string;
  rentprogId: number;
  car: { name?: string | null; plate?: string | null };
  detailsMissing: boolean;
}

const DETAILS_MISSING = '⚠️ Подробности из RentProg недоступны';
const SOURCES: Record<string, string> = { widget: 'с сайта' };

const changed = <T>(shown: Shown<T>): shown is { was: T; now: T } => 'was' in shown;

function timeText(value: TimeValue, timeZone: string): string {
  return value instanceof Date ? formatShort(value, timeZone) : orDash(value);
}

/** `10.12 10:00 → 11.12 12:00`, with the zone said once when the branch's differs. */
function shownTime(time: Shown<TimeValue>, b: BookingNotice): string {
  const text = changed(time)
    ? `${timeText(time.was, b.timeZone)} → ${timeText(time.now, b.timeZone)}`
    : timeText(time.now, b.timeZone);
  const at = [time.now, changed(time) ? time.was : undefined].find((v): v is Date => v instanceof Date);
  return `${text}${at ? zoneNote(b.timeZone, b.usualZone, at) : ''}`;
}

const placeLine = (place: Moment['place']) =>
  `📍 ${changed(place) ? `${orDash(place.was)} → ${orDash(place.now)}` : orDash(place.now)}`;

/** `🔑 Выдача: 10.12 10:00 · Офис`: a moment on one line, as it is now. */
const momentLine = (label: string, moment: Moment, b: BookingNotice) =>
  `${label}: ${shownTime({ now: moment.time.now }, b)} · ${orDash(moment.place.now)}`;

/** The lines every booking message opens with: what, where, which booking, who, which car. */
function bookingHead(title: string, b: BookingNotice): string[] {
  const clientName = b.client.name?.trim();
  const who = b.technical
    ? '🔧 Служебная поездка'
    : b.detailsMissing
      ? undefined
      : `👤 ${orDash(clientName)} · ${orDash(b.client.phone)}`;
  const car = [b.car.name, b.car.plate].filter(Boolean).join(' · ');
  return [
    `${title} · ${b.branch}`,
    ...(b.detailsMissing ? [DETAILS_MISSING] : []),
    `Бронь №${orDash(b.number)} · ID ${b.rentprogId}`,
    ...(who ? [who] : []),
    `🚙 ${orDash(car)}`,
  ];
}

const placeName = (place: CarPlace): string =>
  place === undefined
    ? 'неизвестного филиала'
    : 'branch' in place
      ? place.branch
      : `компании ${place.companyId} (не наш филиал)`;

function carHead(c: CarMoveNotice): string[] {
  const car = [c.car.name, c.car.plate].filter(Boolean).join(' · ');
  return [
    `🔁 Перемещение авто · ${c.branch}`,
    ...(c.detailsMissing ? [DETAILS_MISSING] : []),
    `🚙 ${orDash(car)}`,
  ];
}

export const notificationTexts = {
  created: (b: BookingNotice) =>
    [
      ...bookingHead('🆕 Новая бронь', b),
      momentLine('🔑 Выдача', b.handover, b),
      momentLine('🏁 Возврат', b.return, b),
      ...(b.source ? [`🌐 Источник: ${SOURCES[b.source] ?? b.source}`] : []),
    ].join('\n'),

  /** A handover, a return, or both moved: one message with every change. */
  changed: (b: BookingNotice, moments: ('issue' | 'return')[]) => {
    const both = moments.includes('issue') && moments.includes('return');
    const title = both
      ? '🚗🔙 Выдача и возврат авто'
      : moments.includes('issue')
        ? '🚗 Выдача авто'
        : '🔙 Возврат авто';
    const section = (label: string, moment: Moment) => [
      ...(both ? [label] : []),
      `🕒 ${shownTime(moment.time, b)}`,
      placeLine(moment.place),
    ];
    return [
      ...bookingHead(title, b),
      ...(moments.includes('issue') ? section('Выдача:', b.handover) : []),
      ...(moments.includes('return') ? section('Возврат:', b.return) : []),
    ].join('\n');
  },

  cancelled: (b: BookingNotice) =>
    [
      ...bookingHead('❌ Бронь отменена', b),
      `📋 ${changed(b.state) ? `${orDash(b.state.was)} → ${orDash(b.state.now)}` : orDash(b.state.now)}`,
      momentLine('🔑 Выдача', b.handover, b),
      momentLine('🏁 Возврат', b.return, b),
    ].join('\n'),

  carArrived: (c: CarMoveNotice, from: CarPlace) =>
    [...carHead(c), `📥 Авто прибыло из ${placeName(from)}`, `ID ${c.rentprogId}`].join('\n'),

  carLeft: (c: CarMoveNotice, to: { branch: string }) =>
    [...carHead(c), `📤 Авто уехало в ${to.branch}`, `ID ${c.rentprogId}`].join('\n'),
};
