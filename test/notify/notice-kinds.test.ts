import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { NOTIFY_EVENT_KINDS } from '../../src/config/schema.js';
import { kindsToTell, noticeChanges, noticeKindsOf } from '../../src/notify/notice-kinds.js';
import { rentprogStayedAway } from '../../src/notify/rentprog-away.js';
import { normalizeEvent } from '../../src/rentprog/webhooks/normalize-event.js';

const update = (payload: Record<string, unknown>) =>
  normalizeEvent(
    'tbilisi',
    { event: 'booking_update', payload: { id: 1, ...payload } },
    1,
    '2026-12-01T00:00:00Z',
  );

describe('which notifications an event calls for', () => {
  it('a created booking', () => {
    const created = normalizeEvent(
      'tbilisi',
      { event: 'booking_create', payload: { id: 1, number: 5 } },
      1,
      '',
    );
    expect(noticeKindsOf(created)).toEqual(['created']);
  });

  it('a handover, a return, and both when an update moves start and end', () => {
    expect(noticeKindsOf(update({ start_date: ['a', 'b'] }))).toEqual(['issue']);
    expect(noticeKindsOf(update({ location_end: ['a', 'b'] }))).toEqual(['return']);
    const both = update({ start_date: ['a', 'b'], end_date: ['c', 'd'] });
    expect(both.type).toBe('booking.issue.planned');
    expect(noticeKindsOf(both)).toEqual(['issue', 'return']);
  });

  it('a state change may be a cancellation; the event stays booking.updated', () => {
    const cancelled = update({ state: ['Новая', 'Отмена'] });
    expect(cancelled.type).toBe('booking.updated');
    expect(noticeKindsOf(cancelled)).toEqual(['cancelled']);
  });

  it('a moved car; nothing for other updates, cars or clients', () => {
    const moved = normalizeEvent(
      'kutaisi',
      { event: 'car_update', payload: { id: 3, company_id: [1, 2] } },
      3,
      '',
    );
    expect(noticeKindsOf(moved)).toEqual(['moved']);
    expect(noticeKindsOf(update({ total: [1, 2] }))).toEqual([]);
    const client = normalizeEvent(
      'tbilisi',
      { event: 'client_update', payload: { id: 4, phone: ['1', '2'] } },
      4,
      '',
    );
    expect(noticeKindsOf(client)).toEqual([]);
  });

  it('passes on only the values messages show, never a client name from a create', () => {
    const created = normalizeEvent(
      'tbilisi',
      {
        event: 'booking_create',
        payload: {
          id: 1,
          number: 5,
          first_name: 'Нино',
          last_name: 'Беридзе',
          start_date: '10-12-2026 10:00',
        },
      },
      1,
      '',
    );
    expect(noticeChanges(created.changes)).toEqual({
      number: [null, 5],
      start_date: [null, '10-12-2026 10:00'],
    });
  });
});

describe('the configuration applied', () => {
  const config = { cancelStates: ['Отмена', 'Отказ клиента'], notifyEvents: [...NOTIFY_EVENT_KINDS] };

  it('a state change is told only when the new state cancels, and then alone', () => {
    expect(kindsToTell(['cancelled'], { state: ['Новая', 'Подтверждена'] }, config)).toEqual([]);
    expect(kindsToTell(['issue', 'cancelled'], { state: ['Новая', 'Отказ клиента'] }, config)).toEqual([
      'cancelled',
    ]);
    expect(kindsToTell(['issue', 'cancelled'], { state: ['Новая', 'Активная'] }, config)).toEqual(['issue']);
  });

  it('TELEGRAM_NOTIFY_EVENTS filters', () => {
    const onlyCancelled = { ...config, notifyEvents: ['cancelled' as const] };
    expect(kindsToTell(['issue', 'return'], {}, onlyCancelled)).toEqual([]);
    expect(kindsToTell(['cancelled'], { state: ['Новая', 'Отмена'] }, onlyCancelled)).toEqual(['cancelled']);
    expect(kindsToTell(['moved'], {}, { ...config, notifyEvents: ['created', 'moved'] })).toEqual(['moved']);
  });
});

describe('when a failed fetch still gets a message from the webhook alone', () => {
  const failed = (retryState: RetryState, cause: Error) =>
    new ActivityFailure('fetch failed', 'fetchAndStore', '1', retryState, 'worker', cause);

  it('RentProg away past the retry window: the schedule-to-close timeout, or attempts used up', () => {
    expect(
      rentprogStayedAway(failed(RetryState.TIMEOUT, new TimeoutFailure('t', undefined, 'SCHEDULE_TO_CLOSE'))),
    ).toBe(true);
    const server = ApplicationFailure.retryable('RentProg tbilisi /bookings/1 → 503', 'RentProgServerError');
    expect(rentprogStayedAway(failed(RetryState.MAXIMUM_ATTEMPTS_REACHED, server))).toBe(true);
  });

  it('not a record refused for good (a data error, a token refused), nor anything but an activity failure', () => {
    const data = ApplicationFailure.nonRetryable('Postgres refused a bookings row', 'PostgresDataError');
    expect(rentprogStayedAway(failed(RetryState.NON_RETRYABLE_FAILURE, data))).toBe(false);
    const auth = ApplicationFailure.nonRetryable('RentProg tbilisi → 401', 'RentProgAuthError');
    expect(rentprogStayedAway(failed(RetryState.NON_RETRYABLE_FAILURE, auth))).toBe(false);
    expect(rentprogStayedAway(new Error('boom'))).toBe(false);
  });
});
