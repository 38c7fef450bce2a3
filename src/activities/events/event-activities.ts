import { ApplicationFailure } from '@temporalio/common';
import type { RentProgClient } from '../../rentprog/api/client.js';
import { getEntity, type EntityOf } from '../../rentprog/api/entities.js';
import { bookingRow, carRow, clientRow, type ReadContext } from '../../store/entity-rows.js';
import { RentProgInvalidResponseError, RentProgNotFoundError } from '../../rentprog/api/errors.js';
import type { StoredEntity } from '../../rentprog/webhooks/webhook-event.js';
import { DATA_ERROR_TYPE } from '../../store/data-errors.js';
import type { Queryable } from '../../store/db.js';
import type { Incidents } from '../../incidents/incidents.js';
import { incidentKeys } from '../../incidents/keys.js';
import { type EntityRow, markEntitiesDeleted, markMovedTo } from '../../store/entity-repository.js';
import { ENTITY_TABLES } from '../../store/entity-tables.js';
import { upsertEntitiesOrReject } from '../../store/upsert-or-reject.js';
import { recordWebhookEvent, type WebhookEventRecord } from '../../store/webhook-events-repository.js';
import { whileHeartbeating } from '../heartbeat.js';
import { rentprogCall } from '../rentprog-call.js';

export interface EventDeps {
  db: Queryable;
  rentprog: RentProgClient;
  /** IANA zone per branch for RentProg's local booking dates. */
  timeZones: Record<string, string>;
  incidents?: Incidents;
}

export interface EntityRef {
  entity: StoredEntity;
  branch: string;
  rentprogId: number;
}

export type StoreResult = { found: true } | { found: false; reason: string };

const TO_ROW = { booking: bookingRow, car: carRow, client: clientRow } as const;

/** Activities of the `rentprogEvent` workflow, one job each. */
export function createEventActivities(deps: EventDeps) {
  return {
    /**
     * Fetches the full record (webhooks carry only what changed) and stores it newer-wins
     * on fetch time, so events processed out of order keep the fresher version. One step,
     * so the record (names, phones) never enters the workflow history. 404 is an answer
     * here, not a failure. After `car.moved` the car belongs to the branch whose hook
     * received it. A record Postgres refuses goes to `sync_rejects` and fails the event
     * for good with the reason: no retry would store it. A booking's car and client are
     * fetched too when the branch has no row of them, for the messages that name them.
     */
    fetchAndStore: (ref: EntityRef & { carMoved?: boolean }): Promise<StoreResult> =>
      whileHeartbeating(async () => {
        const stored = await fetchAndUpsert(deps, ref);
        if (!stored.found) return stored;
        if (ref.carMoved) await markMovedTo(deps.db, 'car', ref.rentprogId, ref.branch, stored.fetchedAt);
        if (ref.entity === 'booking') {
          const { car_id, client_id } = (stored.row as EntityRow<'booking'>).columns;
          await storeIfMissing(deps, { entity: 'car', branch: ref.branch, rentprogId: car_id });
          await storeIfMissing(deps, { entity: 'client', branch: ref.branch, rentprogId: client_id });
        }
        return { found: true };
      }),

    async markEntityDeleted(ref: EntityRef & { at: string }): Promise<number> {
      return markEntitiesDeleted(deps.db, ref.entity, ref.branch, [ref.rentprogId], ref.at);
    },

    /** Also the event's incidents: failed for good, quarantined, or processed again. */
    async recordEvent(record: WebhookEventRecord): Promise<void> {
      await recordWebhookEvent(deps.db, record);
      await eventIncidents(deps.incidents, record);
    },
  };
}

/**
 * `event-failed:<branch>` counts the branch's events failed for good; a quarantined
 * webhook opens `quarantine:<branch>` with its reason; the branch's next processed event
 * resolves both, its webhooks being read and stored again.
 */
async function eventIncidents(incidents: Incidents | undefined, record: WebhookEventRecord): Promise<void> {
  if (!incidents) return;
  const { branch } = record;
  const reason = record.error ?? 'no reason recorded';
  if (record.status === 'failed')
    await incidents.raise({
      key: incidentKeys.eventFailed(branch),
      kind: 'event_failed',
      branch,
      detail: reason,
    });
  if (record.status === 'unparsed')
    await incidents.raise({
      key: incidentKeys.quarantine(branch),
      kind: 'quarantine',
      branch,
      detail: reason,
    });
  if (record.status === 'processed') {
    await incidents.resolve(incidentKeys.eventFailed(branch));
    await incidents.resolve(incidentKeys.quarantine(branch));
  }
}

/** One record read from RentProg and upserted; a record Postgres refuses fails for good. */
async function fetchAndUpsert(
  deps: EventDeps,
  ref: EntityRef,
): Promise<{ found: true; row: EntityRow; fetchedAt: string } | { found: false; reason: string }> {
  let record: EntityOf<StoredEntity>;
  try {
    record = await rentprogCall((signal) =>
      getEntity(deps.rentprog, ref.branch, ref.entity, ref.rentprogId, signal),
    );
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof RentProgNotFoundError) return { found: false, reason: cause.message };
    throw err;
  }
  const context: ReadContext = {
    fetchedAt: new Date().toISOString(),
    timeZone: deps.timeZones[ref.branch] ?? 'Asia/Tbilisi',
    fromDetails: true,
  };
  const row = (TO_ROW[ref.entity] as (record: EntityOf<StoredEntity>, c: ReadContext) => never)(
    record,
    context,
  );
  const written = await upsertEntitiesOrReject(deps.db, ref.entity, ref.branch, [row], null);
  const [rejected] = written.rejected;
  if (rejected) {
    throw ApplicationFailure.create({ type: DATA_ERROR_TYPE, message: rejected.reason, nonRetryable: true });
  }
  return { found: true, row, fetchedAt: context.fetchedAt };
}

/**
 * Fetches a booking's car or client the branch has no row of (rare: a sync or an earlier
 * event usually stored it). These requests go on the branch's rate-limited queue inside
 * the booking's one activity slot, so such an event may take the branch a request or two
 * past its per-minute budget. What cannot be had (404, a wrong answer, a row Postgres
 * refuses, already in sync_rejects) leaves the message without it rather than failing the
 * booking's event; RentProg being away retries the activity, as for the booking itself.
 */
async function storeIfMissing(
  deps: EventDeps,
  ref: { entity: 'car' | 'client'; branch: string; rentprogId: unknown },
): Promise<void> {
  const { entity, branch, rentprogId } = ref;
  if (typeof rentprogId !== 'number') return;
  const table = ENTITY_TABLES[entity].table;
  const [present] = await deps.db.query(`SELECT 1 FROM ${table} WHERE branch = $1 AND rentprog_id = $2`, [
    branch,
    rentprogId,
  ]);
  if (present) return;
  try {
    await fetchAndUpsert(deps, { entity, branch, rentprogId });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    const dataError = err instanceof ApplicationFailure && err.type === DATA_ERROR_TYPE;
    if (!dataError && !(cause instanceof RentProgInvalidResponseError)) throw err;
  }
}

export type EventActivities = ReturnType<typeof createEventActivities>;
