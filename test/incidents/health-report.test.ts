import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHealthReportActivities } from '../../src/activities/health/report-health.js';
import { createSyncActivities } from '../../src/activities/sync/sync-activities.js';
import type { ProbeResult } from '../../src/workflows/health-check-types.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { captureLogs } from '../helpers/log-capture.js';
import { alertingIncidents, alertsIn, manualClock } from './alerting.js';

const MINUTE = 60_000;
const INTERVAL = 15 * MINUTE;

describe('the scheduled health report: probe streaks and sync staleness become incidents', () => {
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
  });
  beforeEach(async () => {
    telegram.calls.length = 0;
    await database.db.exec(
      'DELETE FROM incidents; DELETE FROM telegram_deliveries; DELETE FROM health_probe_streaks; DELETE FROM sync_runs',
    );
  });

  function setUp(clock = manualClock()) {
    const incidents = alertingIncidents({
      telegram,
      db: database.db,
      logger: logs.logger,
      branchNames: { batumi: 'Батуми', tbilisi: 'Тбилиси' },
      timeZones: { batumi: 'Asia/Tbilisi', tbilisi: 'Asia/Tbilisi' },
      now: clock.now,
    });
    const deps = {
      db: database.db,
      incidents,
      syncWatch: { branches: ['batumi', 'tbilisi'], intervalMs: INTERVAL },
      now: clock.now,
    };
    return {
      clock,
      ...createHealthReportActivities(deps),
      ...createSyncActivities({ ...deps, rentprog: null as never, timeZones: {} }),
    };
  }

  let check = 0;
  const report = (...probes: ProbeResult[]) => ({
    ok: probes.every((p) => p.ok),
    probes,
    checkedAt: new Date(Date.parse('2026-12-01T09:00:00Z') + ++check * 5 * MINUTE).toISOString(),
  });
  const batumiDown: ProbeResult = {
    name: 'rentprog:batumi',
    ok: false,
    reason: 'server error 500',
    latencyMs: 3,
  };
  const batumiUp: ProbeResult = { name: 'rentprog:batumi', ok: true, latencyMs: 3 };
  const stripeOff: ProbeResult = { name: 'stripe', ok: false, notConfigured: true, latencyMs: 0 };

  it('one failed check is not enough; the second in a row opens; a retried report counts once; a pass resolves', async () => {
    const h = setUp();
    await h.reportHealth(report(batumiDown, stripeOff));
    await h.reportHealth(report(batumiUp));
    const third = report(batumiDown, stripeOff);
    await h.reportHealth(third);
    await h.reportHealth(third); // the same check's report retried: still one failure since the pass
    expect(alertsIn(telegram)).toEqual([]);

    await h.reportHealth(report(batumiDown, stripeOff));
    expect(alertsIn(telegram)).toEqual([
      [
        '🚨 🩺 Проверка «RentProg Батуми» не проходит',
        'Причина: server error 500',
        'Проверьте, отвечает ли RentProg, и токен филиала в RENTPROG_BRANCH_KEYS.',
      ].join('\n'),
    ]);
    await h.reportHealth(report(batumiDown));
    expect(alertsIn(telegram)).toHaveLength(1);

    await h.reportHealth(report(batumiUp, stripeOff));
    expect(alertsIn(telegram).slice(1)).toEqual([
      expect.stringMatching(/^✅ Решено: Проверка «RentProg Батуми» не проходит/),
    ]);
    const streaks = await database.db.query(
      'SELECT name, consecutive_failures FROM health_probe_streaks ORDER BY name',
    );
    expect(streaks).toEqual([{ name: 'rentprog:batumi', consecutive_failures: 0 }]);
  });

  async function syncRun(branch: string, status: 'succeeded' | 'failed' | 'running', startedAt: Date) {
    await database.db.query(
      `INSERT INTO sync_runs (branch, workflow_id, run_key, kinds, status, started_at, finished_at)
       VALUES ($1, 'w', $2, '{cars}', $3, $4, $5)`,
      [
        branch,
        `${branch}:${startedAt.toISOString()}`,
        status,
        startedAt,
        status === 'running' ? null : new Date(startedAt.getTime() + MINUTE),
      ],
    );
  }

  it('no successful sync for more than three intervals opens sync-stale; the next successful run resolves it', async () => {
    const h = setUp();
    const { clock } = h;
    await syncRun('batumi', 'succeeded', clock.now()); // finished at +1 min
    await syncRun('tbilisi', 'succeeded', clock.now());
    clock.advance(MINUTE + 3 * INTERVAL);
    await syncRun('tbilisi', 'succeeded', clock.now());
    await syncRun('batumi', 'failed', clock.now());
    await h.reportHealth(report());
    expect(alertsIn(telegram)).toEqual([]); // exactly three intervals: not yet

    clock.advance(MINUTE);
    await h.reportHealth(report());
    await h.reportHealth(report());
    expect(alertsIn(telegram)).toEqual([
      [
        '🚨 ⏰ Филиал Батуми давно не синхронизировался',
        'Последняя успешная синхронизация: 01.12 13:01',
        'Проверьте, что воркер запущен и rentprog-sync:batumi работает (/sync_status).',
      ].join('\n'),
    ]);

    clock.advance(5 * MINUTE);
    const id = await h.startSyncRun({
      branch: 'batumi',
      workflowId: 'w',
      runKey: 'batumi:next',
      kinds: ['cars'],
      full: false,
      startedAt: clock.now().toISOString(),
    });
    await h.finishSyncRun({
      id,
      branch: 'batumi',
      status: 'succeeded',
      counts: {},
      rejects: 0,
      error: null,
      finishedAt: clock.now().toISOString(),
    });
    expect(alertsIn(telegram).slice(1)).toEqual([
      '✅ Решено: Филиал Батуми давно не синхронизировался\nДлилось 5 мин',
    ]);
  });

  it('a branch that never succeeded is judged from its first run; one that never ran is not judged', async () => {
    const h = setUp();
    const { clock } = h;
    await syncRun('batumi', 'failed', clock.now());
    clock.advance(3 * INTERVAL + MINUTE);
    await h.reportHealth(report());
    expect(alertsIn(telegram)).toEqual([
      expect.stringMatching(
        /^🚨 ⏰ Филиал Батуми давно не синхронизировался\nУспешных синхронизаций ещё не было\n/,
      ),
    ]);
  });

  it('a failed sync run opens sync-failed with its reason; later failures stay quiet; a success resolves', async () => {
    const h = setUp();
    const { clock } = h;
    const finish = async (status: 'succeeded' | 'failed') => {
      const id = await h.startSyncRun({
        branch: 'tbilisi',
        workflowId: 'w',
        runKey: `tbilisi:${clock.now().toISOString()}`,
        kinds: ['cars'],
        full: false,
        startedAt: clock.now().toISOString(),
      });
      clock.advance(INTERVAL);
      const error = status === 'failed' ? 'RentProg tbilisi /all_cars → 500: RentProg server error' : null;
      await h.finishSyncRun({
        id,
        branch: 'tbilisi',
        status,
        counts: {},
        rejects: 0,
        error,
        finishedAt: clock.now().toISOString(),
      });
    };
    await finish('failed');
    await finish('failed');
    await finish('failed');
    await finish('succeeded');
    expect(alertsIn(telegram)).toEqual([
      [
        '🚨 🔄 Синхронизация филиала Тбилиси не удаётся',
        'Причина: RentProg tbilisi /all_cars → 500: RentProg server error',
        'Проверьте, отвечает ли RentProg (/status), и ошибку прогона rentprog-sync:tbilisi в Temporal UI.',
      ].join('\n'),
      '✅ Решено: Синхронизация филиала Тбилиси не удаётся\nДлилось 45 мин',
    ]);
  });
});
