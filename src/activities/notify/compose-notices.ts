import { DEFAULT_TIME_ZONE } from '../../config/config.js';
import { kindsToTell, type NotifyEventKind } from '../../notify/notice-kinds.js';
import { parseRentProgLocalTime } from '../../time/local-time.js';
import type { RentProgEvent } from '../../rentprog/webhooks/webhook-event.js';
import { branchCompanyIds, branchOfCompany } from '../../store/branch-companies.js';
import type { Queryable } from '../../store/db.js';
import { branchLabel } from '../../texts/format.js';
import {
  type BookingNotice,
  type CarPlace,
  type Moment,
  notificationTexts,
  type Shown,
  type TimeValue,
} from '../../texts/notifications.js';
import { bookingFacts, type BookingFacts, carFacts } from './notice-facts.js';

export interface NotifyRequest {
  branch: string;
  type: string;
  rentprogId: number;
  /** noticeKindsOf(event). Absent in calls from histories begun before 'notify-every-kind'. */
  kinds?: NotifyEventKind[];
  /** noticeChanges(event.changes): the old values, and in a fallback all there is. */
  changes?: RentProgEvent['changes'];
  /** RentProg could not give the full record: build the message from `changes` alone. */
  fallback?: boolean;
}

export interface ComposeDeps {
  db: Queryable;
  branchNames: Record<string, string>;
  /** IANA zone per branch, in branch order: the first is the zone times are "usually" in. */
  timeZones: Record<string, string>;
  cancelStates: string[];
  notifyEvents: NotifyEventKind[];
}

/** What a message is about, part of its delivery key: one message per event, chat and kind. */
export type MessageKind =
  'created' | 'issue' | 'return' | 'issue-return' | 'cancelled' | 'moved-in' | 'moved-out';

/** One message for one branch's chat. The text holds personal data: never log it. */
export interface Notice {
  branch: string;
  kind: MessageKind;
  text: string;
}

/** What the three types notified before every kind did, for calls that carry no kinds. */
const KINDS_OF_EARLIER_CALLS: Record<string, NotifyEventKind[]> = {
  'booking.issue.planned': ['issue'],
  'booking.return.planned': ['return'],
  'car.moved': ['moved'],
};

/** The messages an event calls for under the configuration, built from Postgres (or the webhook). */
export async function composeNotices(deps: ComposeDeps, request: NotifyRequest): Promise<Notice[]> {
  const changes = request.changes ?? {};
  const kinds = kindsToTell(request.kinds ?? KINDS_OF_EARLIER_CALLS[request.type] ?? [], changes, deps);
  if (kinds.length === 0) return [];
  if (kinds.includes('moved')) return carMoveNotices(deps, request, changes);

  const facts = request.fallback
    ? undefined
    : await bookingFacts(deps.db, request.branch, request.rentprogId);
  const created = kinds.includes('created');
  const notice = bookingNotice(deps, request, facts, created);
  const text = (kind: MessageKind, body: string): Notice[] => [{ branch: request.branch, kind, text: body }];
  if (created) return text('created', notificationTexts.created(notice));
  if (kinds.includes('cancelled')) return text('cancelled', notificationTexts.cancelled(notice));
  const moments = kinds.filter((kind): kind is 'issue' | 'return' => kind === 'issue' || kind === 'return');
  return text(
    moments.length === 2 ? 'issue-return' : moments[0]!,
    notificationTexts.changed(notice, moments),
  );
}

const zoneOf = (deps: ComposeDeps, branch: string) => deps.timeZones[branch] ?? DEFAULT_TIME_ZONE;
const usualZone = (deps: ComposeDeps) => Object.values(deps.timeZones)[0] ?? DEFAULT_TIME_ZONE;

/** A webhook value as text: RentProg sends strings and numbers, anything else is shown as JSON. */
const textOf = (value: unknown): string | null => {
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
};

/**
 * A booking message's facts: the row where there is one, the webhook's value where not,
 * and old → new for what the webhook changed (not for a created booking, whose webhook
 * values are not changes).
 */
function bookingNotice(
  deps: ComposeDeps,
  request: NotifyRequest,
  facts: BookingFacts | undefined,
  created: boolean,
): BookingNotice {
  const changes = request.changes ?? {};
  const timeZone = zoneOf(deps, request.branch);
  const time = (value: unknown): TimeValue => {
    const text = textOf(value);
    return text === null ? null : (parseRentProgLocalTime(text, timeZone) ?? text);
  };
  function shown<T>(
    key: string,
    fromRow: T | null | undefined,
    read: (value: unknown) => T,
  ): Shown<T | null> {
    const pair = changes[key];
    if (pair && !created) return { was: read(pair[0]), now: read(pair[1]) };
    return { now: fromRow ?? (pair ? read(pair[1]) : null) };
  }
  const moment = (
    timeKey: string,
    at: Date | null | undefined,
    placeKey: string,
    place?: string | null,
  ): Moment => ({
    time: shown(timeKey, at, time),
    place: shown(placeKey, place, textOf),
  });
  const technical = facts?.technical ?? textOf(changes.technical?.[1]) === 'true';
  return {
    branch: branchLabel(deps.branchNames, request.branch),
    rentprogId: request.rentprogId,
    number: facts?.number ?? textOf(changes.number?.[1]),
    technical,
    client: { name: facts?.client_name, phone: facts?.client_phone },
    car: { name: facts?.car_name ?? textOf(changes.car_name?.[1]), plate: facts?.plate },
    handover: moment('start_date', facts?.start_at, 'location_start', facts?.location_start),
    return: moment('end_date', facts?.end_at, 'location_end', facts?.location_end),
    state: shown('state', facts?.state, textOf),
    source: facts?.source ?? textOf(changes.source?.[1]),
    timeZone,
    usualZone: usualZone(deps),
    detailsMissing: facts === undefined,
  };
}

/**
 * A moved car is told to the branch it arrived at (the one whose webhook said so) and to
 * the branch it left, known by the old `company_id` the branches' own cars carry.
 */
async function carMoveNotices(
  deps: ComposeDeps,
  request: NotifyRequest,
  changes: RentProgEvent['changes'],
): Promise<Notice[]> {
  const car = request.fallback ? undefined : await carFacts(deps.db, request.branch, request.rentprogId);
  const oldCompany = textOf(changes.company_id?.[0]);
  const left = branchOfCompany(await branchCompanyIds(deps.db), oldCompany);
  const label = (branch: string) => branchLabel(deps.branchNames, branch);
  const about = (branch: string) => ({
    branch: label(branch),
    rentprogId: request.rentprogId,
    car: { name: car?.car_name, plate: car?.plate },
    detailsMissing: car === undefined,
  });
  const from: CarPlace = left
    ? { branch: label(left) }
    : oldCompany !== null
      ? { companyId: oldCompany }
      : undefined;
  const notices: Notice[] = [
    {
      branch: request.branch,
      kind: 'moved-in',
      text: notificationTexts.carArrived(about(request.branch), from),
    },
  ];
  if (left && left !== request.branch) {
    notices.push({
      branch: left,
      kind: 'moved-out',
      text: notificationTexts.carLeft(about(left), { branch: label(request.branch) }),
    });
  }
  return notices;
}
