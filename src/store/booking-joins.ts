/**
 * The car and the client of booking `b`, for lines people read. RentProg ids are global
 * (docs/rentprog-api.md, Entities), so the row is found whichever branch mirrors it (a
 * moved car lives under its new branch); when several do, the freshest. The booking's own
 * copy of the car name and the client's name stands in when the row is missing.
 */
export const BOOKING_CAR_AND_CLIENT = `
  LEFT JOIN LATERAL (
    SELECT car_name, number FROM cars
    WHERE rentprog_id = b.car_id
    ORDER BY deleted_at IS NULL DESC, GREATEST(fetched_at, synced_at) DESC
    LIMIT 1
  ) car ON true
  LEFT JOIN LATERAL (
    SELECT name, lastname, phone FROM clients
    WHERE rentprog_id = b.client_id
    ORDER BY deleted_at IS NULL DESC, GREATEST(fetched_at, synced_at) DESC
    LIMIT 1
  ) client ON true`;

/** Columns from the joins above: car_name, plate, client_name, client_phone. */
export const CAR_AND_CLIENT_COLUMNS = `
  COALESCE(car.car_name, b.data->>'car_name') AS car_name,
  car.number AS plate,
  NULLIF(concat_ws(' ',
    COALESCE(client.name, b.data->>'first_name'),
    COALESCE(client.lastname, b.data->>'last_name')), '') AS client_name,
  client.phone AS client_phone`;

export interface CarAndClient {
  car_name: string | null;
  plate: string | null;
  client_name: string | null;
  client_phone: string | null;
}

/** Not cancelled (RENTPROG_CANCEL_STATES in `$n`) and not deleted; a booking without a state counts. */
export const liveBooking = (cancelStatesParam: number) =>
  `b.deleted_at IS NULL AND (b.state IS NULL OR NOT (b.state = ANY($${cancelStatesParam}::text[])))`;
