import type { z } from 'zod';
import type { RentProgClient } from './client.js';
import { RentProgInvalidResponseError } from './errors.js';
import { bookingSchema, carSchema, clientSchema, oneOf } from './schemas.js';

/** Single-entity reads. RentProg ignores some id filters (docs/rentprog-api.md, Entities), so every answer's id is checked. */
export const ENTITY_ENDPOINTS = {
  booking: { path: (id: number) => `/bookings/${id}`, query: () => ({}), schema: bookingSchema },
  car: { path: () => '/car_data_with_bookings', query: (id: number) => ({ car_id: id }), schema: carSchema },
  client: { path: (id: number) => `/client/${id}`, query: () => ({}), schema: clientSchema },
} as const;

export type EntityName = keyof typeof ENTITY_ENDPOINTS;
export type EntityOf<E extends EntityName> = z.output<(typeof ENTITY_ENDPOINTS)[E]['schema']>;

/** Reads one booking, car or client of a branch; 404 means it is not in this branch. */
export async function getEntity<E extends EntityName>(
  client: RentProgClient,
  branch: string,
  entity: E,
  id: number,
  signal?: AbortSignal,
): Promise<EntityOf<E>> {
  const spec = ENTITY_ENDPOINTS[entity];
  const endpoint = spec.path(id);
  const record = (await client.get(branch, endpoint, {
    query: spec.query(id),
    schema: oneOf(spec.schema),
    signal,
  })) as EntityOf<E>;
  if (record.id !== id) {
    throw new RentProgInvalidResponseError(
      { branch, endpoint, status: 200 },
      `asked for ${entity} ${id} but got ${entity} ${record.id}`,
    );
  }
  return record;
}
