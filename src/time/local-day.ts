import { parseRentProgLocalTime } from './local-time.js';

/** A calendar day in a branch's zone, `YYYY-MM-DD`. */
export type LocalDay = string;

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The day `instant` falls on in `timeZone` (a booking at 00:30 local time belongs to that local day). */
export function localDayOf(instant: Date, timeZone: string): LocalDay {
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    // en-CA writes dates as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormatters.set(timeZone, formatter);
  }
  return formatter.format(instant);
}

/** The day `days` after `day` (negative: before). */
export function addDays(day: LocalDay, days: number): LocalDay {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The instants a local day starts and ends at (`to` excluded): 24 hours, or 23/25 on a DST change. */
export function dayBounds(day: LocalDay, timeZone: string): { from: Date; to: Date } {
  return { from: midnight(day, timeZone), to: midnight(addDays(day, 1), timeZone) };
}

function midnight(day: LocalDay, timeZone: string): Date {
  const [y, m, d] = day.split('-');
  const instant = parseRentProgLocalTime(`${d}-${m}-${y} 0:00`, timeZone);
  if (!instant) throw new Error(`not a day: ${day}`);
  return instant;
}
