import { describe, expect, it } from 'vitest';
import { botTexts } from '../../src/texts/bot.js';

describe('texts for the codes /status and the sync commands get', () => {
  const checkedAt = new Date('2026-12-02T07:00:00Z');
  const body = (lines: Parameters<typeof botTexts.status>[0]) =>
    botTexts.status(lines, checkedAt, 'Asia/Tbilisi').split('\n').slice(2, -2);

  it('says why a line failed, whether a probe or the check itself decided it', () => {
    expect(
      body([
        { id: 'database', state: 'ok' },
        { id: 'temporal', state: 'fail', problem: { code: 'temporal-unreachable' } },
        { id: 'webhooks', state: 'fail', problem: { code: 'dead-letters', count: 2 } },
        { id: 'rentprog:batumi', state: 'fail', reason: 'auth refused (401)' },
        { id: 'rentprog:kutaisi', state: 'fail', problem: { code: 'not-checked' } },
        { id: 'umnico', state: 'off' },
      ]),
    ).toEqual([
      '✅ База данных',
      '❌ Temporal — недоступен',
      '❌ Вебхуки — 2 в dead letters',
      '❌ RentProg batumi — auth refused (401)',
      '❌ RentProg kutaisi — нет данных',
      '⚪ Umnico API — не настроено',
    ]);
    expect(
      body([
        { id: 'temporal', state: 'fail', problem: { code: 'no-worker' } },
        { id: 'webhooks', state: 'fail', problem: { code: 'dead-letters-unreadable' } },
      ]),
    ).toEqual(['❌ Temporal — нет воркера', '❌ Вебхуки — dead letters не прочитать']);
  });

  it('names why a sync could not be asked for', () => {
    expect(botTexts.syncError('not-running')).toBe('синхронизация не запущена');
    expect(botTexts.syncError('temporal-unreachable')).toBe('Temporal не отвечает');
  });
});
