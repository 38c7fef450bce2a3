import type { Queryable } from './db.js';
import {
  BOOKING_CAR_AND_CLIENT,
  CAR_AND_CLIENT_COLUMNS,
  type CarAndClient,
  liveBooking,
} from './booking-joins.js';

export interface AgendaEntry {
  kind: 'handover' | 'return';
  at: Date;
  rentprogId: number;
  number: number | null;
  /** A service or staff trip: no customer. */
  technical: boolean;
  carName: string | null;
  plate: string | null;
  clientName: string | null;
  clientPhone: string | null;
  place: string | null;
}

export interface AgendaQuery {
  branch: string;
  /** The day's bounds in the branch's zone; `to` excluded. */
  from: Date;
  to: Date;
  cancelStates: string[];
}

type AgendaRow = CarAndClient & {
  kind: 'handover' | 'return';
  at: Date;
  rentprog_id: number;
  number: number | null;
  technical: boolean | null;
  place: string | null;
};

/**
 * A branch's handovers (start within the day) and returns (end within the day), in time
 * order. Cancelled and deleted bookings are left out, and a booking moved to another day
 * falls outside the bounds: the mirror follows RentProg, so the agenda does too.
 */
export async function readAgenda(db: Queryable, query: AgendaQuery): Promise<AgendaEntry[]> {
  const part = (kind: 'handover' | 'return', at: string, place: string) => `
    SELECT '${kind}' AS kind, b.${at} AS at, b.rentprog_id, b.number, b.technical,
           b.data->>'${place}' AS place, ${CAR_AND_CLIENT_COLUMNS}
    FROM bookings b ${BOOKING_CAR_AND_CLIENT}
    WHERE b.branch = $1 AND b.${at} >= $2 AND b.${at} < $3 AND ${liveBooking(4)}`;
  const rows = await db.query<AgendaRow>(
    `${part('handover', 'start_at', 'location_start')}
     UNION ALL
     ${part('return', 'end_at', 'location_end')}
     ORDER BY at, kind, number`,
    [query.branch, query.from, query.to, query.cancelStates],
  );
  return rows.map((row) => ({
    kind: row.kind,
    at: new Date(row.at),
    rentprogId: Number(row.rentprog_id),
    number: row.number,
    technical: row.technical === true,
    carName: row.car_name,
    plate: row.plate,
    clientName: row.client_name,
    clientPhone: row.client_phone,
    place: row.place,
  }));
}
