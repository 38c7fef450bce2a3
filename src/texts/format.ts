/** Formatting every operator text shares: dashes for missing facts, times in a branch's zone. */

export const orDash = (value: string | number | null | undefined): string =>
  value === null || value === undefined || value === '' ? '—' : String(value);

/** A branch as people call it (RENTPROG_BRANCH_NAMES), its key when it has no name. */
export const branchLabel = (branchNames: Record<string, string>, branch: string): string =>
  branchNames[branch] ?? branch;

/** `10.12 10:00` in the given zone: the short form of a handover or return time. */
export function formatShort(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('ru-RU', {
      timeZone,
      day: '2-digit',
      month: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.day}.${parts.month} ${parts.hour}:${parts.minute}`;
}

/** `10:00` in the given zone, for agenda lines of one day. */
export function formatClock(date: Date, timeZone: string): string {
  return formatShort(date, timeZone).slice(-5);
}

/**
 * `(Тбилиси, UTC+4)`-style note on which zone a time is in, shown when a branch's zone
 * differs from the zone most branches use (then "10:00" alone would mislead).
 */
export function zoneNote(timeZone: string, usualZone: string, at: Date = new Date()): string {
  if (timeZone === usualZone) return '';
  const offset = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'shortOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  return ` (${timeZone}${offset ? `, ${offset.replace('GMT', 'UTC')}` : ''})`;
}
