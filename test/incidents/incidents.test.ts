import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { incidentKeys } from '../../src/incidents/keys.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { captureLogs } from '../helpers/log-capture.js';
import { ALERT_CHAT, alertingIncidents, alertsIn, BOT_TOKEN, manualClock } from './alerting.js';

const HOUR = 3_600_000;

/** A loopback address nothing listens on: connections are refused at once. */
async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
const auth = (detail = 'RentProg batumi /get_token → 401: RentProg refused the company token') => ({
  key: incidentKeys.auth('batumi'),
  kind: 'auth' as const,
  branch: 'batumi',
  detail,
});

describe('incidents: one alert when one opens, one when it resolves', () => {
  let database: TestDatabase;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  const logs = captureLogs();

  beforeAll(async () => {
    database = await createTestDatabase();
    telegram = await startFakeTelegram();
  });
  afterAll(async () => {
    await telegram?.close();
    await database?.drop();
    expect(logs.lines.join('\n')).not.toContain(BOT_TOKEN);
  });
  beforeEach(async () => {
    telegram.calls.length = 0;
    await database.db.exec('DELETE FROM incidents; DELETE FROM telegram_deliveries');
  });

  const service = (clock = manualClock(), metrics?: Metrics) =>
    alertingIncidents({
      telegram,
      db: database.db,
      logger: logs.logger,
      branchNames: { batumi: 'Батуми' },
      timeZones: { batumi: 'Asia/Tbilisi' },
      now: clock.now,
      metrics,
    });

  it('repeats inside the hour send nothing more; after an hour one reminder; the recovery says how long', async () => {
    const clock = manualClock();
    const incidents = service(clock);
    await incidents.raise(auth());
    expect(alertsIn(telegram)).toEqual([
      [
        '🚨 🔑 RentProg не принимает токен филиала Батуми',
        'Причина: RentProg batumi /get_token → 401: RentProg refused the company token',
        'Проверьте токен компании этого филиала в RENTPROG_BRANCH_KEYS (RentProg → Настройки → API).',
      ].join('\n'),
    ]);

    for (let i = 0; i < 8; i++) {
      clock.advance(7 * 60_000);
      await incidents.raise(auth());
    }
    expect(alertsIn(telegram)).toHaveLength(1);

    clock.advance(7 * 60_000);
    await incidents.raise(auth('RentProg batumi /all_cars → 403: RentProg refused a fresh token'));
    await incidents.raise(auth());
    expect(alertsIn(telegram).slice(1)).toEqual([
      [
        '⏳ Всё ещё не решено (1 ч 3 мин): 🔑 RentProg не принимает токен филиала Батуми',
        'Причина: RentProg batumi /all_cars → 403: RentProg refused a fresh token',
        'Повторов: 10',
      ].join('\n'),
    ]);

    clock.advance(25 * 60_000);
    await incidents.resolve(incidentKeys.auth('batumi'));
    await incidents.resolve(incidentKeys.auth('batumi'));
    expect(alertsIn(telegram).slice(2)).toEqual([
      '✅ Решено: RentProg не принимает токен филиала Батуми\nДлилось 1 ч 28 мин',
    ]);
    const rows = await database.db.query<{ occurrences: number; resolved_at: Date | null }>(
      'SELECT occurrences, resolved_at FROM incidents',
    );
    expect(rows).toEqual([{ occurrences: 11, resolved_at: clock.now() }]);

    // The same failure later is a new incident, announced again.
    await incidents.raise(auth());
    expect(alertsIn(telegram)).toHaveLength(4);
  });

  it('retried and concurrent reports of one failure send one alert', async () => {
    const incidents = service();
    await Promise.all(Array.from({ length: 6 }, () => incidents.raise(auth())));
    await Promise.all(Array.from({ length: 6 }, () => service().raise(auth())));
    expect(alertsIn(telegram)).toHaveLength(1);
    const [row] = await database.db.query<{ occurrences: number }>('SELECT occurrences FROM incidents');
    expect(row!.occurrences).toBe(12);
  });

  it('another process resolves an incident within the refresh of its open keys', async () => {
    const clock = manualClock();
    const worker = service(clock);
    const ingress = service(clock);
    await ingress.resolve(incidentKeys.auth('batumi')); // reads the (empty) open keys
    await worker.raise(auth());

    await ingress.resolve(incidentKeys.auth('batumi'));
    expect(alertsIn(telegram)).toHaveLength(1); // its list is still fresh: no query, nothing resolved

    clock.advance(31_000);
    await ingress.resolve(incidentKeys.auth('batumi'));
    expect(alertsIn(telegram)).toEqual([expect.stringContaining('🚨'), expect.stringMatching(/^✅ Решено/)]);
  });

  it('counts openings and resolutions, and the open incidents by kind', async () => {
    const metrics = new Metrics();
    const incidents = service(manualClock(), metrics);
    await incidents.raise(auth());
    await incidents.raise({
      key: incidentKeys.syncFailed('batumi'),
      kind: 'sync_failed',
      branch: 'batumi',
      detail: 'x',
    });
    await incidents.resolve(incidentKeys.auth('batumi'));
    await incidents.resolve(incidentKeys.eventFailed('batumi'));
    const text = await metrics.registry.metrics();
    expect(text).toContain('rentprog_incidents_total{kind="auth",transition="opened"} 1');
    expect(text).toContain('rentprog_incidents_total{kind="auth",transition="resolved"} 1');
    expect(text).toContain('rentprog_incidents_open{kind="sync_failed"} 1');
    expect(text).not.toContain('rentprog_incidents_open{kind="auth"}');
    expect(text).toContain('rentprog_telegram_deliveries_total{purpose="alert",outcome="sent"} 3');
  });

  it('without an alert chat an incident is only logged: a warning when it opens, info when it resolves', async () => {
    const quiet = alertingIncidents({ db: database.db, logger: logs.logger, now: manualClock().now });
    const before = logs.lines.length;
    await quiet.raise(auth());
    await quiet.resolve(incidentKeys.auth('batumi'));
    const lines = logs.lines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => [l.level, l.msg, l.incident])).toEqual([
      [40, 'incident opened', 'auth:batumi'],
      [30, 'incident resolved', 'auth:batumi'],
    ]);
    expect(telegram.sent).toHaveLength(0);
  });

  it('an alert Telegram refuses leaves the incident recorded and the caller unharmed', async () => {
    const unreachable = alertingIncidents({
      telegram: { ...telegram, apiRoot: await closedPortUrl() },
      db: database.db,
      logger: logs.logger,
    });
    await expect(unreachable.raise(auth())).resolves.toBeUndefined();
    const rows = await database.db.query('SELECT key FROM incidents WHERE resolved_at IS NULL');
    expect(rows).toEqual([{ key: 'auth:batumi' }]);
    expect(logs.lines.at(-1)).toContain('incident alert not sent');
  });

  it('without a database (the ingress on its file spool) alerts go straight to the Bot API, once each', async () => {
    const clock = manualClock();
    const memory = alertingIncidents({ telegram, logger: logs.logger, now: clock.now });
    const away = { key: incidentKeys.temporalAway, kind: 'temporal_away' as const, detail: '4' };
    await memory.raise(away);
    await memory.raise({ ...away, detail: '9' });
    clock.advance(HOUR);
    await memory.raise({ ...away, detail: '12' });
    await memory.resolve(incidentKeys.temporalAway);
    await memory.resolve(incidentKeys.temporalAway);
    expect(alertsIn(telegram)).toEqual([
      expect.stringContaining('Вебхуков в очереди: 4'),
      expect.stringContaining('Вебхуков в очереди: 12'),
      '✅ Решено: Temporal недоступен больше минуты, вебхуки ждут в очереди\nДлилось 1 ч',
    ]);
    expect(telegram.sent.every((m) => m.token === BOT_TOKEN && m.body.chat_id === ALERT_CHAT)).toBe(true);
  });
});
