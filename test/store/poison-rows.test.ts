import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingRow, carRow, clientRow, type ReadContext } from '../../src/store/entity-rows.js';
import { bookingSchema, carSchema, clientSchema } from '../../src/rentprog/api/schemas.js';
import { POISON } from '../../src/simulator/poison.js';
import { dataErrorOf, describeDataError } from '../../src/store/data-errors.js';
import { upsertEntities } from '../../src/store/entity-repository.js';
import { unstorable } from '../../src/store/storable.js';
import { finishSyncRun, startSyncRun } from '../../src/store/sync-runs-repository.js';
import { upsertEntitiesOrReject } from '../../src/store/upsert-or-reject.js';
import { recordWebhookEvent } from '../../src/store/webhook-events-repository.js';
import { availableBackends, createTestDatabase, type TestDatabase } from '../../harness/database.js';

const context: ReadContext = { fetchedAt: '2026-11-25T10:00:00.000Z', timeZone: 'Asia/Tbilisi' };

/** What RentProg sends for a car, a client and a booking, with the simulator's poison values. */
const rawCar = { id: 38001, car_name: 'Toyota Prius', number: 'AB-123-CD', active: true, ...POISON.car };
const rawClient = { id: 500001, phone: '+995 555 123 456', category: 'Новый', ...POISON.client };
const rawBooking = {
  id: 900001,
  client_id: 500001,
  start_date: '18-11-2025 9:00',
  end_date: '20-11-2025 18:30',
  deposit: 300,
  ...POISON.booking,
};

const bookingsPage = (runTag: string) =>
  Array.from({ length: 10 }, (_, i) =>
    bookingRow(
      bookingSchema.parse({
        id: 910001 + i,
        number: i + 1,
        state: 'Новая',
        // The fifth record carries a value a constraint of this test database refuses.
        days: i === 4 ? 70_000 : 3,
        note: runTag,
      }),
      context,
    ),
  );

describe.each(availableBackends())('records Postgres cannot take as sent, on %s', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(backend);
    // Stands for any column or rule a value may not fit that column-values.ts does not know:
    // the cast raises SQLSTATE 22003 for the poisoned record only.
    await test.db.exec(`ALTER TABLE bookings ADD CONSTRAINT days_fit CHECK ((data->>'days')::smallint >= 0)`);
  });
  afterAll(() => test.drop());

  const one = async (sql: string, params: unknown[]) =>
    (await test.db.query<Record<string, unknown>>(sql, params))[0]!;

  it('stores a car with out-of-range numbers and a NUL: NULL in those columns, everything as sent in data', async () => {
    const row = carRow(carSchema.parse(rawCar), context);
    expect(await upsertEntities(test.db, 'car', 'tbilisi', [row])).toMatchObject({ inserted: 1 });
    const stored = await one(
      'SELECT company_id, state, mileage, car_name, number, active, data FROM cars WHERE rentprog_id = $1',
      [38001],
    );
    expect(stored).toMatchObject({
      company_id: null,
      state: null,
      mileage: null,
      number: 'AB-123-CD',
      active: true,
    });
    expect(stored.car_name).toBe('Toyota␀Prius');
    expect(unstorable(stored.car_name)).toBe('Toyota\u0000Prius');
    expect(unstorable(stored.data)).toEqual(rawCar);
  });

  it('stores a client with a NUL, a lone surrogate and a company id of 1e23, recoverable exactly', async () => {
    const row = clientRow(clientSchema.parse(rawClient), context);
    await upsertEntities(test.db, 'client', 'tbilisi', [row]);
    const stored = await one(
      'SELECT company_id, name, lastname, phone, data FROM clients WHERE rentprog_id = $1',
      [500001],
    );
    expect(stored.company_id).toBeNull();
    expect(unstorable(stored.name)).toBe('Ни\u0000но');
    expect(unstorable(stored.lastname)).toBe('Бе\ud800ридзе');
    expect(stored.phone).toBe('+995 555 123 456');
    expect(unstorable(stored.data)).toEqual(rawClient);
  });

  it('stores a booking whose number, car id and total no column can hold', async () => {
    const row = bookingRow(bookingSchema.parse(rawBooking), context);
    await upsertEntities(test.db, 'booking', 'tbilisi', [row]);
    const stored = await one(
      'SELECT number, car_id, client_id, total, deposit, start_at, state, data FROM bookings WHERE rentprog_id = $1',
      [900001],
    );
    expect(stored).toMatchObject({ number: null, car_id: null, client_id: 500001, total: null });
    expect(Number(stored.deposit)).toBe(300);
    expect((stored.start_at as Date).toISOString()).toBe('2025-11-18T05:00:00.000Z');
    expect(unstorable(stored.state)).toBe('Акт\u0000ивная');
    expect(unstorable(stored.data)).toEqual(rawBooking);
  });

  it('falls back to row by row: nine of ten stored, the tenth in sync_rejects with its SQLSTATE', async () => {
    const runId = await startSyncRun(test.db, {
      branch: 'batumi',
      workflowId: 'rentprog-sync:batumi',
      runKey: `${backend}:poison-page`,
      kinds: ['bookings'],
      full: false,
      startedAt: context.fetchedAt,
    });
    const page = bookingsPage('first walk');
    await expect(upsertEntities(test.db, 'booking', 'batumi', page)).rejects.toMatchObject({ code: '22003' });

    const result = await upsertEntitiesOrReject(test.db, 'booking', 'batumi', page, runId);
    expect(result).toMatchObject({ inserted: 9, updated: 0, stale: 0 });
    expect(result.rejected).toEqual([
      { rentprogId: 910005, reason: expect.stringContaining('SQLSTATE 22003') as unknown, seenBefore: false },
    ]);
    const stored = await test.db.query<{ rentprog_id: number }>(
      "SELECT rentprog_id FROM bookings WHERE branch = 'batumi' ORDER BY rentprog_id",
    );
    expect(stored.map((r) => r.rentprog_id)).toEqual(
      page.map((r) => r.rentprogId).filter((id) => id !== 910005),
    );

    const rejects = await test.db.query<Record<string, unknown>>(
      'SELECT branch, kind, rentprog_id, reason, record, sync_run_id, rejected_at FROM sync_rejects WHERE sync_run_id = $1',
      [runId],
    );
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({
      branch: 'batumi',
      kind: 'booking',
      rentprog_id: 910005,
      sync_run_id: runId,
    });
    expect(rejects[0]!.reason).toBe(
      'Postgres refused a bookings row of batumi: SQLSTATE 22003 value "70000" is out of range for type smallint',
    );
    expect(rejects[0]!.record).toEqual(page[4]!.data);
    expect(rejects[0]!.rejected_at).toBeInstanceOf(Date);

    // A retried slice walks the page again: the reject is not counted twice.
    const again = await upsertEntitiesOrReject(
      test.db,
      'booking',
      'batumi',
      bookingsPage('first walk'),
      runId,
    );
    expect(again.rejected).toMatchObject([{ rentprogId: 910005, seenBefore: true }]);
    expect(await test.db.query('SELECT 1 FROM sync_rejects WHERE sync_run_id = $1', [runId])).toHaveLength(1);

    await finishSyncRun(test.db, runId, {
      status: 'succeeded',
      counts: { bookings: { pages: 1, fetched: 10, upserted: 9, deleted: 0, rejected: 1 } },
      rejects: 1,
      error: null,
      finishedAt: '2026-11-25T10:01:00.000Z',
    });
    expect(await one('SELECT status, rejects FROM sync_runs WHERE id = $1', [runId])).toEqual({
      status: 'succeeded',
      rejects: 1,
    });
  });

  it('keeps one reject row per record for webhooks (no run), updated when it comes again', async () => {
    const [poisoned] = bookingsPage('webhook').slice(4, 5);
    const first = await upsertEntitiesOrReject(test.db, 'booking', 'kutaisi', [poisoned!], null);
    const second = await upsertEntitiesOrReject(test.db, 'booking', 'kutaisi', [poisoned!], null);
    expect(first.rejected).toMatchObject([{ seenBefore: false }]);
    expect(second.rejected).toMatchObject([{ seenBefore: true }]);
    expect(
      await test.db.query("SELECT 1 FROM sync_rejects WHERE branch = 'kutaisi' AND sync_run_id IS NULL"),
    ).toHaveLength(1);
  });

  it('passes on an error a retry can fix instead of rejecting rows', async () => {
    await test.db.exec('ALTER TABLE clients RENAME TO clients_away');
    try {
      const row = clientRow(clientSchema.parse({ id: 500002, name: 'Анна' }), context);
      const err: unknown = await upsertEntitiesOrReject(test.db, 'client', 'batumi', [row], null).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: '42P01' });
      expect(dataErrorOf(err)).toBeNull();
    } finally {
      await test.db.exec('ALTER TABLE clients_away RENAME TO clients');
    }
    expect(
      await test.db.query("SELECT 1 FROM sync_rejects WHERE branch = 'batumi' AND kind = 'client'"),
    ).toEqual([]);
  });

  it('classifies data exceptions (22) and constraint violations (23) from this driver, and nothing else', async () => {
    const refused = (sql: string, params: unknown[] = []) =>
      test.db.query(sql, params).then(
        () => expect.unreachable(`${sql} was accepted`),
        (err: unknown) => dataErrorOf(err),
      );
    expect(await refused('SELECT $1::integer', ['3000000000'])).toMatchObject({ sqlstate: '22003' });
    expect(await refused('SELECT $1::jsonb', [JSON.stringify('Ни\u0000но')])).toMatchObject({
      sqlstate: '22P05',
    });
    expect(await refused('SELECT $1::text', ['Ни\u0000но'])).toMatchObject({ sqlstate: '22021' });
    expect(
      await refused(
        "INSERT INTO sync_rejects (branch, kind, rentprog_id, reason, record) VALUES ('x', 'boat', 1, 'r', '{}')",
      ),
    ).toMatchObject({
      sqlstate: '23514',
    });
    expect(await refused('SELECT * FROM no_such_table')).toBeNull();
    expect(dataErrorOf(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBeNull();

    const error = await refused('SELECT $1::smallint', ['70000']);
    expect(describeDataError(error!, { table: 'cars', branch: 'tbilisi' })).toBe(
      'Postgres refused a cars row of tbilisi: SQLSTATE 22003 value "70000" is out of range for type smallint',
    );
  });

  it('records a webhook event and a run error whose strings hold a NUL', async () => {
    await recordWebhookEvent(test.db, {
      eventId: `${backend}-nul`,
      branch: 'tbilisi',
      type: 'client.updated',
      rawEvent: 'client_update',
      entity: 'client',
      rentprogId: 500001,
      workflowId: 'rentprog-event:tbilisi:nul',
      status: 'failed',
      error: 'reason with a \u0000',
      payload: { name: ['Нино', 'Ни\u0000но'], 'odd\u0000key': [null, 1] },
      receivedAt: context.fetchedAt,
    });
    const event = await one('SELECT error, payload FROM webhook_events WHERE event_id = $1', [
      `${backend}-nul`,
    ]);
    expect(unstorable(event)).toEqual({
      error: 'reason with a \u0000',
      payload: { name: ['Нино', 'Ни\u0000но'], 'odd\u0000key': [null, 1] },
    });

    const runId = await startSyncRun(test.db, {
      branch: 'tbilisi',
      workflowId: 'rentprog-sync:tbilisi',
      runKey: `${backend}:nul-error`,
      kinds: ['cars'],
      full: false,
      startedAt: context.fetchedAt,
    });
    await finishSyncRun(test.db, runId, {
      status: 'failed',
      counts: {},
      rejects: 0,
      error: 'RentProg said \u0000',
      finishedAt: context.fetchedAt,
    });
    const run = await one('SELECT error, rejects FROM sync_runs WHERE id = $1', [runId]);
    expect(unstorable(run)).toEqual({ error: 'RentProg said \u0000', rejects: 0 });
  });
});
