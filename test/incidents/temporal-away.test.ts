import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TemporalAwayWatch } from '../../src/incidents/temporal-away-watch.js';
import { TemporalBreaker } from '../../src/ingress/temporal-breaker.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { captureLogs } from '../helpers/log-capture.js';
import { alertingIncidents, alertsIn, manualClock } from './alerting.js';

const SECOND = 1000;

describe('Temporal away, as the ingress sees it', () => {
  const logs = captureLogs();
  let database: TestDatabase;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  const breakers: TemporalBreaker[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    telegram = await startFakeTelegram();
  });
  afterAll(async () => {
    for (const breaker of breakers) breaker.stop();
    await telegram?.close();
    await database?.drop();
  });
  beforeEach(() => {
    telegram.calls.length = 0;
  });

  /** The ingress's breaker (Temporal not answering its probe) wired to the watch, on a hand-moved clock. */
  function ingress(withDatabase: boolean) {
    const clock = manualClock();
    let depth = 0;
    const incidents = alertingIncidents({
      telegram,
      db: withDatabase ? database.db : undefined,
      logger: logs.logger,
      now: clock.now,
    });
    const watch = new TemporalAwayWatch({ incidents, spoolDepth: () => depth, now: clock.now });
    const breaker = new TemporalBreaker({
      probe: () => Promise.resolve(false),
      logger: logs.logger,
      intervalMs: 60_000,
      onChange: (state) => void watch.breakerChanged(state),
    });
    breakers.push(breaker);
    return {
      clock,
      watch,
      breaker,
      spool: (n: number) => (depth = n),
    };
  }

  it.each([
    ['with the database: the incidents table', true],
    ['without one: memory, straight to the Bot API', false],
  ])('%s', async (_label, withDatabase) => {
    const { clock, watch, breaker, spool } = ingress(withDatabase);
    breaker.trip('deadline exceeded');
    spool(3);
    clock.advance(60 * SECOND);
    await watch.check();
    expect(alertsIn(telegram)).toEqual([]); // a minute is allowed

    spool(0);
    clock.advance(10 * SECOND);
    await watch.check();
    expect(alertsIn(telegram)).toEqual([]); // away, but nothing waits

    spool(7);
    await watch.check();
    spool(12);
    clock.advance(5 * SECOND);
    await watch.check();
    expect(alertsIn(telegram)).toEqual([
      [
        '🚨 🛑 Temporal недоступен больше минуты, вебхуки ждут в очереди',
        'Вебхуков в очереди: 7',
        'Проверьте Temporal (TEMPORAL_ADDRESS) и воркер. Вебхуки не потеряны: они будут обработаны, когда Temporal вернётся.',
      ].join('\n'),
    ]);

    clock.advance(2 * 60 * SECOND);
    breaker.close();
    await watch.breakerChanged('closed'); // the same news again: nothing more to resolve
    await expect.poll(() => alertsIn(telegram)).toHaveLength(2);
    expect(alertsIn(telegram)[1]).toBe(
      '✅ Решено: Temporal недоступен больше минуты, вебхуки ждут в очереди\nДлилось 2 мин',
    );

    // Closed again: the clock starts over at the next trip.
    breaker.trip('deadline exceeded');
    clock.advance(30 * SECOND);
    await watch.check();
    expect(alertsIn(telegram)).toHaveLength(2);
    breaker.close();
  });
});
