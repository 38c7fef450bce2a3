import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/incidents/incident.js';
import { countByKind, reminderNumber } from '../../src/incidents/incidents.js';
import { INCIDENT_KINDS, incidentKeys, probeNameOf } from '../../src/incidents/keys.js';
import { alertTexts, formatDuration } from '../../src/texts/alerts.js';

const names = {
  branchNames: { batumi: 'Батуми' },
  timeZones: { batumi: 'Asia/Tbilisi' },
  timeZone: 'Asia/Tbilisi',
};

const incident = (over: Partial<Incident>): Incident => ({
  id: 1,
  key: 'k',
  kind: 'auth',
  branch: 'batumi',
  detail: 'why',
  occurrences: 1,
  openedAt: new Date('2026-12-01T06:00:00Z'),
  ...over,
});

describe('alert texts', () => {
  it.each([
    [0, 'меньше минуты'],
    [59_999, 'меньше минуты'],
    [60_000, '1 мин'],
    [3_600_000, '1 ч'],
    [3_600_000 + 5 * 60_000, '1 ч 5 мин'],
    [26 * 3_600_000 + 59_000, '1 д 2 ч'],
    [48 * 3_600_000, '2 д'],
  ])('formatDuration(%i) is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each(INCIDENT_KINDS)('an opened %s alert names what broke, why, and what to check', (kind) => {
    const key = kind === 'probe' ? incidentKeys.probe('rentprog:batumi') : `${kind}:batumi`;
    const detail =
      kind === 'sync_stale' ? '2026-12-01T06:00:00.000Z' : kind === 'temporal_away' ? '4' : 'why';
    const lines = alertTexts.opened(incident({ kind, key, detail }), names).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^🚨 /);
    if (kind !== 'temporal_away') expect(lines[0]).toContain('Батуми');
    expect(lines[1]).toMatch(/why|10:00|4/);
    expect(lines[2]).toMatch(/Проверьте/);
  });

  it('a branch without a display name is shown by its key; probes by their label', () => {
    expect(alertTexts.opened(incident({ branch: 'poti' }), names)).toContain('филиала poti');
    expect(
      alertTexts.resolved(
        incident({ kind: 'probe', key: 'probe:stripe', branch: null }),
        names,
        new Date('2026-12-01T06:30:00Z'),
      ),
    ).toBe('✅ Решено: Проверка «Stripe API» не проходит\nДлилось 30 мин');
  });

  it('the list of nothing open', () => {
    expect(alertTexts.list([], names)).toBe('✅ Открытых инцидентов нет');
  });
});

describe('incident bookkeeping', () => {
  it('reminders an hour apart get distinct numbers', () => {
    const opened = new Date('2026-12-01T06:00:00Z');
    const hour = 3_600_000;
    const at = (ms: number) => new Date(opened.getTime() + ms);
    expect(
      [hour, 2 * hour - 1, 2 * hour + 10 * 60_000, 3 * hour + 11 * 60_000].map((ms) =>
        reminderNumber(opened, at(ms), hour),
      ),
    ).toEqual([1, 1, 2, 3]);
  });

  it('counts open incidents by kind', () => {
    expect(countByKind([{ kind: 'auth' }, { kind: 'probe' }, { kind: 'auth' }])).toEqual({
      auth: 2,
      probe: 1,
    });
  });

  it('a probe key gives its probe back', () => {
    expect(probeNameOf(incidentKeys.probe('rentprog:batumi'))).toBe('rentprog:batumi');
  });
});
