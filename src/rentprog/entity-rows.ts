import type { EntityRow } from '../store/entity-repository.js';
import { parseRentProgLocalTime } from './local-time.js';
import type { RentProgBooking, RentProgCar, RentProgClient } from './schemas.js';

/** Where and when a record was read, which the row needs besides the record itself. */
export interface ReadContext {
  fetchedAt: string;
  /** The branch's IANA zone, for RentProg's local `DD-MM-YYYY H:mm` dates. */
  timeZone: string;
  fromDetails?: boolean;
  seenBySync?: boolean;
}

const instant = (text: string | null | undefined, timeZone: string) =>
  text ? (parseRentProgLocalTime(text, timeZone)?.toISOString() ?? null) : null;

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
  return {
    ...base(booking, context),
    columns: {
      number: booking.number,
      car_id: booking.car_id ?? booking.car?.id ?? null,
      client_id: booking.client_id ?? booking.client?.id ?? null,
      state: booking.state,
      active: booking.active,
      in_rent: booking.in_rent,
      archive: booking.archive,
      technical: booking.technical,
      start_at: instant(booking.start_date, context.timeZone),
      end_at: instant(booking.end_date, context.timeZone),
      total: booking.total,
      deposit: booking.deposit,
    },
  };
}

export function carRow(car: RentProgCar, context: ReadContext): EntityRow<'car'> {
  return {
    ...base(car, context),
    columns: {
      company_id: car.company_id,
      car_name: car.car_name,
      code: car.code,
      number: car.number,
      state: car.state,
      active: car.active,
      mileage: car.mileage,
    },
  };
}

export function clientRow(client: RentProgClient, context: ReadContext): EntityRow<'client'> {
  return {
    ...base(client, context),
    columns: {
      company_id: client.company_id,
      name: client.name,
      lastname: client.lastname,
      middlename: client.middlename,
      phone: client.phone,
      email: client.email,
      category: client.category,
    },
  };
}
