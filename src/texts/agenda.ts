/** The daily agenda a branch chat reads: the day's handovers and returns, one line each. */
import type { LocalDay } from '../time/local-day.js';
import type { AgendaEntry } from '../store/agenda-queries.js';
import { branchLabel, formatClock, orDash, zoneNote } from './format.js';

/** How branches and their times are shown: names people use, each branch's zone. */
export interface BranchDisplay {
  branchNames: Record<string, string>;
  timeZones: Record<string, string>;
  /** The zone most branches use; times elsewhere say which zone they are in. */
  usualZone: string;
}

export const zoneOf = (display: BranchDisplay, branch: string): string =>
  display.timeZones[branch] ?? display.usualZone;

/** `Toyota Camry AA-123-BB`, what is known of it, or a dash. */
export const carWithPlate = (carName: string | null, plate: string | null): string =>
  orDash([carName, plate].filter(Boolean).join(' '));

/** `Иван Петров, +995 555 12 34 56`. */
export const clientWithPhone = (name: string | null, phone: string | null): string =>
  orDash([name, phone].filter(Boolean).join(', '));

export const SERVICE_TRIP = '🔧 служебная поездка';

/** `ср, 02.12.2026`, read as a calendar day (no zone shifts it). */
function dayTitle(day: LocalDay): string {
  const [y, m, d] = day.split('-');
  const weekday = new Intl.DateTimeFormat('ru-RU', { weekday: 'short', timeZone: 'UTC' }).format(
    new Date(`${day}T12:00:00Z`),
  );
  return `${weekday}, ${d}.${m}.${y}`;
}

function entryLine(entry: AgendaEntry, timeZone: string): string {
  const what = entry.kind === 'handover' ? '🚗 Выдача' : '🔙 Возврат';
  const who = entry.technical ? SERVICE_TRIP : clientWithPhone(entry.clientName, entry.clientPhone);
  return [
    `${formatClock(entry.at, timeZone)} ${what} №${orDash(entry.number)}`,
    carWithPlate(entry.carName, entry.plate),
    who,
    `📍 ${orDash(entry.place)}`,
  ].join(' · ');
}

export const agendaTexts = {
  /** One branch's day; each booking on one line, so a split between messages never cuts one. */
  agenda: (display: BranchDisplay, branch: string, day: LocalDay, entries: AgendaEntry[]): string => {
    const timeZone = zoneOf(display, branch);
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    const note = zoneNote(timeZone, display.usualZone, new Date(Date.UTC(y, m - 1, d, 12)));
    const title = `📅 ${branchLabel(display.branchNames, branch)} · ${dayTitle(day)}${note}`;
    if (entries.length === 0) return `${title}\nНи выдач, ни возвратов.`;
    const handovers = entries.filter((e) => e.kind === 'handover').length;
    return [
      title,
      `Выдач: ${handovers} · возвратов: ${entries.length - handovers}`,
      '',
      ...entries.map((entry) => entryLine(entry, timeZone)),
    ].join('\n');
  },

  /** `/today` and `/tomorrow` for several branches: their agendas one after another. */
  several: (agendas: string[]): string => agendas.join('\n\n'),
};
