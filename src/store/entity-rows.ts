import type { EntityRow } from './entity-repository.js';
import { parseRentProgLocalTime } from '../time/local-time.js';
import {
  bookingFields,
  carFields,
  clientFields,
  type RentProgBooking,
  type RentProgCar,
  type RentProgClient,
} from '../rentprog/api/schemas.js';

/** Where and when a record was read, which the row needs besides the record itself. */
export interface ReadContext {
  fetchedAt: string;
  /** The branch's IANA zone, for RentProg's local `DD-MM-YYYY H:mm` dates. */
  timeZone: string;
  fromDetails?: boolean;
  seenBySync?: boolean;
}

// Reading a local time asks Intl for the zone's offset twice, the largest cost of a
// booking's row, while a branch's bookings share a few thousand distinct times (they
// start and end on the hour or half hour): each is read once per zone, up to a bound on memory.
const INSTANTS_KEPT = 20_000;
const instantsByZone = new Map<string, Map<string, string | null>>();

function instant(text: string | null | undefined, timeZone: string): string | null {
  if (!text) return null;
  let instants = instantsByZone.get(timeZone);
  if (!instants) {
    instants = new Map<string, string | null>();
    instantsByZone.set(timeZone, instants);
  }
  let known = instants.get(text);
  if (known === undefined) {
    known = parseRentProgLocalTime(text, timeZone)?.toISOString() ?? null;
    if (instants.size >= INSTANTS_KEPT) instants.clear();
    instants.set(text, known);
  }
  return known;
}

/** RentProg's own change time where a record has one (cars and clients might; bookings do not). */
function updatedAt(record: Record<string, unknown>): string | null {
  const value = record.updated_at;
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

const base = (record: Record<string, unknown> & { id: number }, context: ReadContext) => ({
  rentprogId: record.id,
  data: record,
  rentprogUpdatedAt: updatedAt(record),
  fetchedAt: context.fetchedAt,
  fromDetails: context.fromDetails,
  seenBySync: context.seenBySync,
});

export function bookingRow(booking: RentProgBooking, context: ReadContext): EntityRow<'booking'> {
  const fields = bookingFields.parse(booking);
  return {
    ...base(booking, context),
    columns: {
      number: fields.number,
      car_id: fields.car_id ?? fields.car?.id ?? null,
      client_id: fields.client_id ?? fields.client?.id ?? null,
      state: fields.state,
      active: fields.active,
      in_rent: fields.in_rent,
      archive: fields.archive,
      technical: fields.technical,
      start_at: instant(fields.start_date, context.timeZone),
      end_at: instant(fields.end_date, context.timeZone),
      total: fields.total,
      deposit: fields.deposit,
    },
  };
}

export function carRow(car: RentProgCar, context: ReadContext): EntityRow<'car'> {
  const fields = carFields.parse(car);
  return {
    ...base(car, context),
    columns: {
      company_id: fields.company_id,
      car_name: fields.car_name,
      code: fields.code,
      number: fields.number,
      state: fields.state,
      active: fields.active,
      mileage: fields.mileage,
    },
  };
}

export function clientRow(client: RentProgClient, context: ReadContext): EntityRow<'client'> {
  const fields = clientFields.parse(client);
  return {
    ...base(client, context),
    columns: {
      company_id: fields.company_id,
      name: fields.name,
      lastname: fields.lastname,
      middlename: fields.middlename,
      phone: fields.phone,
      email: fields.email,
      category: fields.category,
    },
  };
}
