import type { Queryable } from '../../src/store/db.js';

/** Rows as the mirror holds them, written straight into Postgres for agenda and lookup tests. */
export interface BookingRowInput {
  branch: string;
  id: number;
  number: number;
  carId?: number | null;
  clientId?: number | null;
  state?: string;
  technical?: boolean;
  start: string;
  end: string;
  total?: number;
  from?: string;
  to?: string;
  deleted?: boolean;
  fetchedAt?: string;
}

export async function insertBooking(db: Queryable, b: BookingRowInput): Promise<void> {
  await db.query(
    `INSERT INTO bookings (branch, rentprog_id, number, car_id, client_id, state, technical,
                           start_at, end_at, total, data, fetched_at, deleted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $13 THEN now() END)`,
    [
      b.branch,
      b.id,
      b.number,
      b.carId ?? null,
      b.clientId ?? null,
      b.state ?? 'Подтверждена',
      b.technical ?? false,
      b.start,
      b.end,
      b.total ?? 0,
      { id: b.id, location_start: b.from ?? null, location_end: b.to ?? null },
      b.fetchedAt ?? new Date().toISOString(),
      b.deleted ?? false,
    ],
  );
}

export async function insertCar(
  db: Queryable,
  c: { branch: string; id: number; name: string; plate: string; state?: number; fetchedAt?: string },
): Promise<void> {
  await db.query(
    `INSERT INTO cars (branch, rentprog_id, car_name, number, state, data, fetched_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [c.branch, c.id, c.name, c.plate, c.state ?? 1, { id: c.id }, c.fetchedAt ?? new Date().toISOString()],
  );
}

export async function insertClient(
  db: Queryable,
  c: { branch: string; id: number; name: string; lastname: string; phone: string },
): Promise<void> {
  await db.query(
    `INSERT INTO clients (branch, rentprog_id, name, lastname, phone, data, fetched_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())`,
    [c.branch, c.id, c.name, c.lastname, c.phone, { id: c.id }],
  );
}
