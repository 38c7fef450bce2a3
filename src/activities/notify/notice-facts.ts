import {
  BOOKING_CAR_AND_CLIENT,
  CAR_AND_CLIENT_COLUMNS,
  type CarAndClient,
} from '../../store/booking-joins.js';
import type { Queryable } from '../../store/db.js';

/** A booking as a message needs it: its own row with its car and client (personal data: never logged). */
export interface BookingFacts extends CarAndClient {
  number: number | null;
  state: string | null;
  technical: boolean | null;
  start_at: Date | null;
  end_at: Date | null;
  location_start: string | null;
  location_end: string | null;
  source: string | null;
}

export async function bookingFacts(
  db: Queryable,
  branch: string,
  rentprogId: number,
): Promise<BookingFacts | undefined> {
  const [row] = await db.query<BookingFacts>(
    `SELECT b.number, b.state, b.technical, b.start_at, b.end_at,
       b.data->>'location_start' AS location_start,
       b.data->>'location_end' AS location_end,
       b.data->>'source' AS source,
       ${CAR_AND_CLIENT_COLUMNS}
     FROM bookings b ${BOOKING_CAR_AND_CLIENT}
     WHERE b.branch = $1 AND b.rentprog_id = $2`,
    [branch, rentprogId],
  );
  return row;
}

export interface CarFacts {
  car_name: string | null;
  plate: string | null;
}

export async function carFacts(
  db: Queryable,
  branch: string,
  rentprogId: number,
): Promise<CarFacts | undefined> {
  const [row] = await db.query<CarFacts>(
    'SELECT car_name, number AS plate FROM cars WHERE branch = $1 AND rentprog_id = $2',
    [branch, rentprogId],
  );
  return row;
}
