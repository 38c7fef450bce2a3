import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { bookingRow, carRow, clientRow } from '../../src/store/entity-rows.js';
import {
  RentProgAuthError,
  RentProgInvalidResponseError,
  RentProgNetworkError,
  RentProgNotFoundError,
  RentProgRateLimitedError,
  RentProgServerError,
} from '../../src/rentprog/api/errors.js';
import { parseRetryAfter } from '../../src/rentprog/api/retry-after.js';
import { bookingSchema, carSchema, clientSchema } from '../../src/rentprog/api/schemas.js';
import { toActivityFailure } from '../../src/temporal/activity-failure.js';
import { MAX_RETRY_AFTER_MS, RENTPROG_RETRY_POLICY } from '../../src/temporal/rentprog-retry-policy.js';

const at = { branch: 'batumi', endpoint: '/all_bookings', status: 500 };

describe('RentProg failures as Temporal sees them', () => {
  it.each([
    [new RentProgAuthError(at, 'x'), 'RentProgAuthError'],
    [new RentProgNotFoundError(at, 'x'), 'RentProgNotFoundError'],
    [new RentProgInvalidResponseError(at, 'x'), 'RentProgInvalidResponseError'],
  ])('%s fails the activity at once', (err, type) => {
    const failure = toActivityFailure(err, 1) as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type, nonRetryable: true, message: err.message });
    expect(RENTPROG_RETRY_POLICY.nonRetryableErrorTypes).toContain(type);
  });

  it("waits RentProg's Retry-After on 429, capped at what the retry policy allows", () => {
    const soon = toActivityFailure(new RentProgRateLimitedError(at, 7000), 1) as ApplicationFailure;
    expect(soon).toMatchObject({
      type: 'RentProgRateLimitedError',
      nonRetryable: false,
      nextRetryDelay: 7000,
    });
    const late = toActivityFailure(new RentProgRateLimitedError(at, 3_600_000), 1) as ApplicationFailure;
    expect(late.nextRetryDelay).toBe(MAX_RETRY_AFTER_MS);
    expect(RENTPROG_RETRY_POLICY.maximumInterval).toBeGreaterThanOrEqual(MAX_RETRY_AFTER_MS);
  });

  it('backs off 5xx and network errors exponentially with jitter', () => {
    const delay = (attempt: number, random: number): unknown =>
      (toActivityFailure(new RentProgServerError(at, 'x'), attempt, () => random) as ApplicationFailure)
        .nextRetryDelay;
    expect([delay(1, 0.5), delay(2, 0.5), delay(3, 0.5), delay(4, 0.5)]).toEqual([1000, 2000, 4000, 8000]);
    expect(delay(3, 0)).toBe(3200);
    expect(delay(3, 1)).toBe(4800);
    expect(delay(30, 0.5)).toBe(MAX_RETRY_AFTER_MS);
    const network = toActivityFailure(new RentProgNetworkError(at, 'x'), 1) as ApplicationFailure;
    expect(network.nonRetryable).toBe(false);
  });

  it('leaves other errors alone', () => {
    const plain = new Error('bug');
    expect(toActivityFailure(plain, 1)).toBe(plain);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['Wed, 25 Nov 2026 12:00:30 GMT', 30_000],
    ['Wed, 25 Nov 2026 11:00:00 GMT', 0],
    [null, 60_000],
    ['soon', 60_000],
  ])('%j → %d ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
});

describe('entity schemas and rows', () => {
  const context = { fetchedAt: '2026-11-25T10:00:00.000Z', timeZone: 'Asia/Tbilisi' };

  it('coerces what RentProg sends as strings into the columns, and keeps the record as sent', () => {
    const sent = {
      id: '900001',
      car_id: '38001',
      total: '1250.50',
      deposit: 300,
      active: 'true',
      in_rent: 0,
      state: 'Активная',
      start_date: '18-11-2025 9:00',
      end_date: '20-11-2025 18:30',
      brand_new_field: { nested: true },
      client_id: 'not a number',
    };
    const row = bookingRow(bookingSchema.parse(sent), context);
    expect(row.rentprogId).toBe(900001);
    expect(row.columns).toMatchObject({
      car_id: 38001,
      client_id: null,
      total: 1250.5,
      deposit: 300,
      active: true,
      in_rent: false,
      state: 'Активная',
    });
    expect(row.data).toEqual({ ...sent, id: 900001 });
  });

  it('takes records with numbers no column holds, a NUL or a lone surrogate, and keeps them as sent', () => {
    const sent = {
      id: 38001,
      company_id: '1e23',
      mileage: 3e9,
      state: 70_000,
      car_name: 'Toyota\u0000Prius',
      code: 'PRI \ud800',
    };
    const row = carRow(carSchema.parse(sent), context);
    expect(row.data).toEqual(sent);
    // Numbers the schema can read pass on; the store decides what its column holds (column-values.ts).
    expect(row.columns).toMatchObject({
      company_id: null,
      mileage: 3e9,
      state: 70_000,
      car_name: 'Toyota\u0000Prius',
      code: 'PRI \ud800',
    });
    const client = clientRow(
      clientSchema.parse({ id: 500001, company_id: 1e23, name: 'Ни\u0000но' }),
      context,
    );
    expect(client.columns).toMatchObject({ company_id: null, name: 'Ни\u0000но' });
    expect(client.data.company_id).toBe(1e23);
  });

  it('rejects a record without a usable id', () => {
    expect(bookingSchema.safeParse({ state: 'Новая' }).success).toBe(false);
    expect(carSchema.safeParse({ id: 'abc' }).success).toBe(false);
  });

  it("turns local booking dates into instants in the branch's zone", () => {
    const booking = bookingSchema.parse({ id: 1, start_date: '18-11-2025 9:00', end_date: 'soon' });
    const row = bookingRow(booking, context);
    expect(row.columns.start_at).toBe('2025-11-18T05:00:00.000Z');
    expect(row.columns.end_at).toBeNull();
    expect(row.rentprogUpdatedAt).toBeNull();
  });

  it("uses RentProg's updated_at where a record has one", () => {
    const car = carSchema.parse({ id: 38001, number: 4521, updated_at: '2025-09-30T23:33:37.000+00:00' });
    const row = carRow(car, context);
    expect(row.rentprogUpdatedAt).toBe('2025-09-30T23:33:37.000Z');
    expect(row.columns.number).toBe('4521');
  });
});
