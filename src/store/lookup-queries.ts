import type { Queryable } from './db.js';
import {
  BOOKING_CAR_AND_CLIENT,
  CAR_AND_CLIENT_COLUMNS,
  type CarAndClient,
  liveBooking,
} from './booking-joins.js';

export interface BookingCard {
  branch: string;
  rentprogId: number;
  number: number | null;
  state: string | null;
  /** As stored (numeric), so no rounding creeps in. */
  total: string | null;
  technical: boolean;
  startAt: Date | null;
  startPlace: string | null;
  endAt: Date | null;
  endPlace: string | null;
  carName: string | null;
  plate: string | null;
  clientName: string | null;
  clientPhone: string | null;
  deleted: boolean;
  /** When the row was last read from RentProg (a fetch or a sync). */
  refreshedAt: Date;
}

type BookingRow = CarAndClient & {
  branch: string;
  rentprog_id: number;
  number: number | null;
  state: string | null;
  total: string | null;
  technical: boolean | null;
  start_at: Date | null;
  start_place: string | null;
  end_at: Date | null;
  end_place: string | null;
  deleted: boolean;
  refreshed_at: Date;
};

/**
 * Bookings whose number or RentProg id is `numberOrId`: the id is global, the number
 * repeats across branches (docs/rentprog-api.md, Entities), so there may be several.
 */
export async function findBookings(db: Queryable, numberOrId: number): Promise<BookingCard[]> {
  const rows = await db.query<BookingRow>(
    `SELECT b.branch, b.rentprog_id, b.number, b.state, b.total::text AS total, b.technical,
            b.start_at, b.data->>'location_start' AS start_place,
            b.end_at, b.data->>'location_end' AS end_place,
            b.deleted_at IS NOT NULL AS deleted,
            GREATEST(b.fetched_at, b.synced_at) AS refreshed_at,
            ${CAR_AND_CLIENT_COLUMNS}
     FROM bookings b ${BOOKING_CAR_AND_CLIENT}
     WHERE b.rentprog_id = $1::bigint OR b.number = $1::bigint
     ORDER BY b.rentprog_id = $1::bigint DESC, b.branch, b.rentprog_id`,
    [numberOrId],
  );
  return rows.map((row) => ({
    branch: row.branch,
    rentprogId: Number(row.rentprog_id),
    number: row.number,
    state: row.state,
    total: row.total,
    technical: row.technical === true,
    startAt: row.start_at && new Date(row.start_at),
    startPlace: row.start_place,
    endAt: row.end_at && new Date(row.end_at),
    endPlace: row.end_place,
    carName: row.car_name,
    plate: row.plate,
    clientName: row.client_name,
    clientPhone: row.client_phone,
    deleted: row.deleted,
    refreshedAt: new Date(row.refreshed_at),
  }));
}

export interface CarCard {
  /** The branch the car is at now: the branch whose records hold it. */
  branch: string;
  rentprogId: number;
  carName: string | null;
  plate: string | null;
  state: number | null;
  refreshedAt: Date;
  /** Its next handover or return after now, if any is booked. */
  next?: {
    kind: 'handover' | 'return';
    at: Date;
    place: string | null;
    branch: string;
    number: number | null;
  };
}

type CarRow = {
  branch: string;
  rentprog_id: number;
  car_name: string | null;
  plate: string | null;
  state: number | null;
  refreshed_at: Date;
  matches: number;
  next_kind: 'handover' | 'return' | null;
  next_at: Date | null;
  next_place: string | null;
  next_branch: string | null;
  next_number: number | null;
};

/** Plates people type: `aa 123 bb`, `AA-123-BB` and `aa123bb` are the same car. */
export const normalizePlate = (text: string): string => text.replace(/[\s-]+/g, '').toUpperCase();

/**
 * Cars whose plate contains `plateFragment` (case, spaces and dashes ignored), at most
 * `limit` of them in plate order, with how many matched in all. A car mirrored by two
 * branches (it moved) is shown once, from the freshest row.
 */
export async function findCars(
  db: Queryable,
  query: { plateFragment: string; now: Date; cancelStates: string[]; limit: number },
): Promise<{ cars: CarCard[]; matches: number }> {
  const next = (kind: 'handover' | 'return', at: string, place: string) => `
    SELECT '${kind}' AS kind, b.${at} AS at, b.data->>'${place}' AS place, b.branch, b.number
    FROM bookings b
    WHERE b.car_id = m.rentprog_id AND b.${at} > $2 AND ${liveBooking(3)}`;
  const rows = await db.query<CarRow>(
    `WITH m AS (
       SELECT DISTINCT ON (c.rentprog_id) c.branch, c.rentprog_id, c.car_name, c.number AS plate,
              c.state, GREATEST(c.fetched_at, c.synced_at) AS refreshed_at
       FROM cars c
       WHERE c.deleted_at IS NULL
         AND strpos(upper(regexp_replace(COALESCE(c.number, ''), '[\\s-]+', '', 'g')), $1) > 0
       ORDER BY c.rentprog_id, GREATEST(c.fetched_at, c.synced_at) DESC
     )
     SELECT m.*, count(*) OVER ()::int AS matches,
            n.kind AS next_kind, n.at AS next_at, n.place AS next_place,
            n.branch AS next_branch, n.number AS next_number
     FROM m
     LEFT JOIN LATERAL (
       ${next('handover', 'start_at', 'location_start')}
       UNION ALL
       ${next('return', 'end_at', 'location_end')}
       ORDER BY at LIMIT 1
     ) n ON true
     ORDER BY m.plate, m.rentprog_id
     LIMIT $4`,
    [normalizePlate(query.plateFragment), query.now, query.cancelStates, query.limit],
  );
  return {
    matches: rows[0]?.matches ?? 0,
    cars: rows.map((row) => ({
      branch: row.branch,
      rentprogId: Number(row.rentprog_id),
      carName: row.car_name,
      plate: row.plate,
      state: row.state,
      refreshedAt: new Date(row.refreshed_at),
      ...(row.next_kind && row.next_at
        ? {
            next: {
              kind: row.next_kind,
              at: new Date(row.next_at),
              place: row.next_place,
              branch: row.next_branch ?? row.branch,
              number: row.next_number,
            },
          }
        : {}),
    })),
  };
}
