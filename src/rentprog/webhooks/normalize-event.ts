import type { RentProgEvent } from './webhook-event.js';

/** Attributes every update carries that are not changes (docs/rentprog-api.md, Webhooks). */
const META_KEYS = new Set(['id', 'created_from_api', 'updated_from_api', 'user_id']);
/** When, who and where a car is handed over, or taken back (docs/rentprog-api.md, Webhooks). */
export const ISSUE_KEYS = ['start_date', 'start_worker_id', 'location_start'];
export const RETURN_KEYS = ['end_date', 'end_worker_id', 'location_end'];

const isPair = (value: unknown): value is [unknown, unknown] => Array.isArray(value) && value.length === 2;

/**
 * Maps a parsed webhook to our event: five internal types, everything else kept as
 * `rentprog.<raw event>`. Pure, so workflows may use it too.
 */
export function normalizeEvent(
  branch: string,
  parsed: { event: string; payload: Record<string, unknown> },
  rentprogId: number,
  receivedAt: string,
): Omit<RentProgEvent, 'eventId'> {
  const { event, payload } = parsed;
  const entity = event.split('_')[0] ?? event;
  const isUpdate = event.endsWith('_update');
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (META_KEYS.has(key)) continue;
    // Updates send changes as [old, new] (the last element is current); creates send values.
    if (isUpdate && isPair(value)) setOwn(changes, key, [value[0], value[1]]);
    else if (!isUpdate) setOwn(changes, key, [null, value]);
  }
  return { type: typeOf(event, changes), branch, entity, rentprogId, changes, receivedAt, rawEvent: event };
}

function typeOf(event: string, changes: Record<string, [unknown, unknown]>): string {
  const changed = (keys: string[]) => keys.some((key) => key in changes);
  if (event === 'booking_create') return 'booking.created';
  if (event === 'booking_update') {
    if (changed(ISSUE_KEYS)) return 'booking.issue.planned';
    if (changed(RETURN_KEYS)) return 'booking.return.planned';
    return 'booking.updated';
  }
  const companyId = changes.company_id;
  if (event === 'car_update' && companyId && !sameValue(companyId[0], companyId[1])) return 'car.moved';
  return `rentprog.${event}`;
}

/** Payload keys are data: `__proto__` must become a property, not a new prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
