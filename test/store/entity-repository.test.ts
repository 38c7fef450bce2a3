import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markEntitiesDeleted, upsertEntities, type EntityRow } from '../../src/store/entity-repository.js';
import { migrate } from '../../src/store/migrations.js';
import { availableBackends, createTestDatabase, type TestDatabase } from '../../harness/database.js';

const T0 = '2026-11-25T10:00:00.000Z';
const T1 = '2026-11-25T10:05:00.000Z';
const T2 = '2026-11-25T10:10:00.000Z';

const booking = (state: string, fetchedAt: string, id = 900001): EntityRow<'booking'> => ({
  rentprogId: id,
  columns: {
    number: 42,
    car_id: 38001,
    client_id: 500001,
    state,
    active: true,
    start_at: '2026-12-01T05:00:00Z',
  },
  data: { id, number: 42, state, car_id: 38001, client_id: 500001 },
  fetchedAt,
});

describe.each(availableBackends())('entity store on %s', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(backend);
  });
  afterAll(() => test.drop());

  const bookingsOf = (branch: string) =>
    test.db.query<{ rentprog_id: number; state: string; data: { state: string }; deleted_at: Date | null }>(
      'SELECT rentprog_id, state, data, deleted_at FROM bookings WHERE branch = $1 ORDER BY rentprog_id',
      [branch],
    );

  it('migrates once: a second run applies nothing and keeps the data', async () => {
    await upsertEntities(test.db, 'booking', 'migrate-check', [booking('Новая', T0)]);
    expect(await migrate(test.db)).toEqual([]);
    expect(await bookingsOf('migrate-check')).toHaveLength(1);
  });

  it('stores the typed key columns and the full record', async () => {
    const result = await upsertEntities(test.db, 'booking', 'tbilisi', [booking('Новая', T0)]);
    expect(result).toEqual({ inserted: 1, updated: 0, stale: 0 });
    const [row] = await test.db.query<Record<string, unknown>>(
      'SELECT number, car_id, client_id, state, active, start_at, data, fetched_at FROM bookings WHERE branch = $1',
      ['tbilisi'],
    );
    expect(row).toMatchObject({ number: 42, car_id: 38001, client_id: 500001, state: 'Новая', active: true });
    expect((row!.start_at as Date).toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect((row!.fetched_at as Date).toISOString()).toBe(T0);
    expect(row!.data).toEqual({ id: 900001, number: 42, state: 'Новая', car_id: 38001, client_id: 500001 });
  });

  it('is idempotent: the same upsert twice leaves one unchanged row', async () => {
    await upsertEntities(test.db, 'booking', 'idem', [booking('Новая', T0)]);
    const again = await upsertEntities(test.db, 'booking', 'idem', [booking('Новая', T0)]);
    expect(again.inserted).toBe(0);
    const rows = await bookingsOf('idem');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.state).toBe('Новая');
  });

  it('never replaces a newer row with an older fetch', async () => {
    await upsertEntities(test.db, 'booking', 'newer', [booking('Активная', T2)]);
    const late = await upsertEntities(test.db, 'booking', 'newer', [booking('Новая', T1)]);
    expect(late).toEqual({ inserted: 0, updated: 0, stale: 1 });
    const [row] = await bookingsOf('newer');
    expect(row!.state).toBe('Активная');
    expect(row!.data.state).toBe('Активная');

    const fresh = await upsertEntities(test.db, 'booking', 'newer', [
      booking('Отъездила', '2026-11-25T11:00:00Z'),
    ]);
    expect(fresh.updated).toBe(1);
    expect((await bookingsOf('newer'))[0]!.state).toBe('Отъездила');
  });

  it("prefers RentProg's own updated_at over our fetch time where both rows have one", async () => {
    const car = (name: string, updatedAt: string, fetchedAt: string): EntityRow<'car'> => ({
      rentprogId: 38001,
      columns: { car_name: name, company_id: 70001 },
      data: { id: 38001, car_name: name },
      rentprogUpdatedAt: updatedAt,
      fetchedAt,
    });
    await upsertEntities(test.db, 'car', 'cars', [car('Toyota Prius', '2026-11-25T10:00:00Z', T0)]);
    // Fetched later, but RentProg says this version is older: a lagging replica, say.
    const result = await upsertEntities(test.db, 'car', 'cars', [
      car('Toyota Aqua', '2026-11-25T09:00:00Z', T2),
    ]);
    expect(result.stale).toBe(1);
    const [row] = await test.db.query<{ car_name: string }>('SELECT car_name FROM cars WHERE branch = $1', [
      'cars',
    ]);
    expect(row!.car_name).toBe('Toyota Prius');
  });

  it('keeps branches apart: the same RentProg id in two branches is two rows', async () => {
    await upsertEntities(test.db, 'booking', 'branch-a', [booking('Новая', T0, 1)]);
    await upsertEntities(test.db, 'booking', 'branch-b', [booking('Активная', T0, 1)]);
    expect((await bookingsOf('branch-a'))[0]!.state).toBe('Новая');
    expect((await bookingsOf('branch-b'))[0]!.state).toBe('Активная');
  });

  it('takes the newest of repeated ids within one batch', async () => {
    const result = await upsertEntities(test.db, 'booking', 'batch', [
      booking('Активная', T2, 7),
      booking('Новая', T0, 7),
      booking('Новая', T0, 8),
    ]);
    expect(result.inserted).toBe(2);
    expect((await bookingsOf('batch')).map((r) => [r.rentprog_id, r.state])).toEqual([
      [7, 'Активная'],
      [8, 'Новая'],
    ]);
  });

  it('marks deletions so that only a newer fetch brings the row back', async () => {
    await upsertEntities(test.db, 'booking', 'deleted', [booking('Новая', T0)]);
    expect(await markEntitiesDeleted(test.db, 'booking', 'deleted', [900001], T1)).toBe(1);
    expect((await bookingsOf('deleted'))[0]!.deleted_at).toBeInstanceOf(Date);

    const older = await upsertEntities(test.db, 'booking', 'deleted', [booking('Новая', T0)]);
    expect(older.stale).toBe(1);
    expect((await bookingsOf('deleted'))[0]!.deleted_at).not.toBeNull();

    await upsertEntities(test.db, 'booking', 'deleted', [booking('Активная', T2)]);
    const [row] = await bookingsOf('deleted');
    expect(row!.deleted_at).toBeNull();
    expect(row!.state).toBe('Активная');
  });

  it('marks the seen ids in the same statement: written rows, stale rows and rows it does not write', async () => {
    const seenOf = async () =>
      (
        await test.db.query<{ rentprog_id: number; synced_at: Date | null }>(
          "SELECT rentprog_id, synced_at FROM bookings WHERE branch = 'seen' ORDER BY rentprog_id",
        )
      ).map((row) => [row.rentprog_id, row.synced_at?.toISOString() ?? null]);
    await upsertEntities(test.db, 'booking', 'seen', [
      booking('Новая', T2, 1),
      booking('Новая', T0, 2),
      booking('Новая', T0, 3),
    ]);
    const synced = (state: string, id: number) => ({ ...booking(state, T1, id), seenBySync: true });
    // 1 is stale (stored at T2), 2 is written, 3 is seen but not in the batch (out of the lookback, say).
    const result = await upsertEntities(
      test.db,
      'booking',
      'seen',
      [synced('Активная', 1), synced('Активная', 2)],
      {
        rentprogIds: [1, 2, 3],
        at: T1,
      },
    );
    expect(result).toEqual({ inserted: 0, updated: 1, stale: 1 });
    expect(await seenOf()).toEqual([
      [1, T1],
      [2, T1],
      [3, T1],
    ]);
    // Nothing to write: the ids are still marked, and a later mark never moves one back.
    await upsertEntities(test.db, 'booking', 'seen', [], { rentprogIds: [1, 3], at: T2 });
    await upsertEntities(test.db, 'booking', 'seen', [], { rentprogIds: [1], at: T0 });
    expect(await seenOf()).toEqual([
      [1, T2],
      [2, T1],
      [3, T2],
    ]);
  });

  it('keeps clients and cars in their own tables', async () => {
    await upsertEntities(test.db, 'client', 'tbilisi', [
      {
        rentprogId: 500001,
        columns: { name: 'Нино', lastname: 'Беридзе', phone: '+995 555 000 001', company_id: 70001 },
        data: { id: 500001, name: 'Нино', lastname: 'Беридзе' },
        fetchedAt: T0,
      },
    ]);
    const [client] = await test.db.query<{ name: string; lastname: string; company_id: number }>(
      'SELECT name, lastname, company_id FROM clients WHERE branch = $1 AND rentprog_id = $2',
      ['tbilisi', 500001],
    );
    expect(client).toEqual({ name: 'Нино', lastname: 'Беридзе', company_id: 70001 });
  });
});
