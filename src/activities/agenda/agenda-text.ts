import { dayBounds, type LocalDay } from '../../time/local-day.js';
import { readAgenda } from '../../store/agenda-queries.js';
import type { Queryable } from '../../store/db.js';
import { agendaTexts, type BranchDisplay, zoneOf } from '../../texts/agenda.js';

/** One branch's agenda for a day in its own zone, as the chat reads it: the scheduled message and `/today` alike. */
export async function agendaText(
  db: Queryable,
  display: BranchDisplay,
  query: { branch: string; day: LocalDay; cancelStates: string[] },
): Promise<{ text: string; entries: number }> {
  const { from, to } = dayBounds(query.day, zoneOf(display, query.branch));
  const entries = await readAgenda(db, { branch: query.branch, from, to, cancelStates: query.cancelStates });
  return { text: agendaTexts.agenda(display, query.branch, query.day, entries), entries: entries.length };
}
