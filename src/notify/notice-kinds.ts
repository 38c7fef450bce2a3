import type { NotifyEventKind } from '../config/schema.js';
import { ISSUE_KEYS, RETURN_KEYS } from '../rentprog/webhooks/normalize-event.js';
import type { RentProgEvent } from '../rentprog/webhooks/webhook-event.js';

export type { NotifyEventKind } from '../config/schema.js';

/**
 * The webhook values the messages show: old → new for times, places and the state, what a
 * created booking carried, a car's company. Only these reach the notify activity's input,
 * so a booking's client names in a `booking_create` stay out of the history a second time.
 */
const NOTICE_KEYS = [
  'number',
  'car_name',
  'start_date',
  'end_date',
  'location_start',
  'location_end',
  'state',
  'technical',
  'source',
  'company_id',
];

/**
 * The notifications an event may call for, before configuration: a created booking; a
 * handover and a return, both when both moved; a state change that may be a
 * cancellation; a moved car. Pure and config-free, so the event workflow decides with it.
 */
export function noticeKindsOf(
  event: Pick<RentProgEvent, 'type' | 'rawEvent' | 'changes'>,
): NotifyEventKind[] {
  if (event.type === 'booking.created') return ['created'];
  if (event.type === 'car.moved') return ['moved'];
  if (event.rawEvent !== 'booking_update') return [];
  const changed = (keys: string[]) => keys.some((key) => Object.hasOwn(event.changes, key));
  // Every key list is checked, so a change of both the handover and the return is told in full.
  const kinds: NotifyEventKind[] = [];
  if (changed(ISSUE_KEYS)) kinds.push('issue');
  if (changed(RETURN_KEYS)) kinds.push('return');
  if (changed(['state'])) kinds.push('cancelled');
  return kinds;
}

/** The part of a webhook's changes the messages use (see NOTICE_KEYS). */
export function noticeChanges(changes: RentProgEvent['changes']): RentProgEvent['changes'] {
  return Object.fromEntries(Object.entries(changes).filter(([key]) => NOTICE_KEYS.includes(key)));
}

/**
 * The kinds to tell, with the configuration applied: a state change is a cancellation
 * only when the new state is one of RENTPROG_CANCEL_STATES, and then it is the one thing
 * told (a cancelled booking's new times are no news); TELEGRAM_NOTIFY_EVENTS filters.
 */
export function kindsToTell(
  candidates: NotifyEventKind[],
  changes: RentProgEvent['changes'],
  config: { cancelStates: string[]; notifyEvents: NotifyEventKind[] },
): NotifyEventKind[] {
  const newState = changes.state?.[1];
  const cancelled =
    candidates.includes('cancelled') &&
    typeof newState === 'string' &&
    config.cancelStates.includes(newState);
  const kinds = cancelled ? ['cancelled' as const] : candidates.filter((kind) => kind !== 'cancelled');
  return kinds.filter((kind) => config.notifyEvents.includes(kind));
}
