import { describe, expect, it } from 'vitest';
import { parseRentProgLocalTime } from '../src/time/local-time.js';

describe("RentProg's local booking dates", () => {
  it.each([
    ['18-11-2025 9:00', 'Asia/Tbilisi', '2025-11-18T05:00:00.000Z'],
    ['14-11-2025 21:00', 'Asia/Tbilisi', '2025-11-14T17:00:00.000Z'],
    ['01-01-2026 0:05', 'Europe/Moscow', '2025-12-31T21:05:00.000Z'],
    // Berlin is UTC+2 in summer and UTC+1 in winter: the offset of that day counts.
    ['15-07-2026 12:00', 'Europe/Berlin', '2026-07-15T10:00:00.000Z'],
    ['15-01-2026 12:00', 'Europe/Berlin', '2026-01-15T11:00:00.000Z'],
    ['5-3-2026', 'UTC', '2026-03-05T00:00:00.000Z'],
  ])('reads %s in %s as %s', (text, zone, iso) => {
    expect(parseRentProgLocalTime(text, zone)?.toISOString()).toBe(iso);
  });

  it.each([
    '2025-11-18T09:00:00+04:00',
    '31-02-2026 10:00',
    '18-13-2025 9:00',
    '18-11-2025 25:00',
    '',
    'soon',
  ])('rejects %j', (text) => {
    expect(parseRentProgLocalTime(text, 'Asia/Tbilisi')).toBeUndefined();
  });
});
