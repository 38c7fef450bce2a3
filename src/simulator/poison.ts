import type { SimEntity } from './dataset.js';

/**
 * Values RentProg could send that Postgres cannot take as they are, per entity: numbers out
 * of range for the typed columns (or not numbers at all), a NUL and a lone surrogate in
 * names. Drills and tests set them with `Simulator.poison` to prove that a sync stores every
 * other record, keeps these ones (NULL in the column, as sent in `data`, or in
 * `sync_rejects`) and still finishes.
 */
export const POISON: Record<SimEntity, Record<string, unknown>> = {
  car: { mileage: 3e9, company_id: '1e23', state: 70_000, car_name: 'Toyota\u0000Prius' },
  client: { company_id: 1e23, name: 'Ни\u0000но', lastname: 'Бе\ud800ридзе' },
  booking: { number: 1e12, car_id: '1e23', total: '1e999', state: 'Акт\u0000ивная' },
};
