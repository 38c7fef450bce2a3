import { describe, expect, it } from 'vitest';
import { botTexts } from '../../src/texts/bot.js';

describe('the sync results text', () => {
  const counts = { cars: { fetched: 50 }, clients: { fetched: 200 }, bookings: { fetched: 150 } };
  const results = (rejects: number) => botTexts.syncResults([{ branch: 'tbilisi', counts, rejects }]);

  it('is unchanged when every record was stored', () => {
    expect(results(0)).toBe('📊 Результаты синхронизации:\n\n✅ tbilisi: 50 авто, 200 клиентов, 150 броней');
  });

  it.each([
    [1, '1 запись не сохранена'],
    [2, '2 записи не сохранены'],
    [4, '4 записи не сохранены'],
    [5, '5 записей не сохранены'],
    [11, '11 записей не сохранены'],
    [12, '12 записей не сохранены'],
    [21, '21 запись не сохранена'],
    [22, '22 записи не сохранены'],
    [111, '111 записей не сохранены'],
  ])('names %i records Postgres refused, and where to find them', (rejects, phrase) => {
    expect(results(rejects)).toBe(
      `📊 Результаты синхронизации:\n\n✅ tbilisi: 50 авто, 200 клиентов, 150 броней\n⚠️ ${phrase} (см. sync_rejects)`,
    );
  });
});
