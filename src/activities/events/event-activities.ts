import { ApplicationFailure } from '@temporalio/common';
import type { RentProgClient } from '../../rentprog/client.js';
import { getEntity, type EntityOf } from '../../rentprog/entities.js';
import { bookingRow, carRow, clientRow, type ReadContext } from '../../rentprog/entity-rows.js';
import { RentProgNotFoundError } from '../../rentprog/errors.js';
import type { StoredEntity } from '../../rentprog/webhook-event.js';
import { DATA_ERROR_TYPE } from '../../store/data-errors.js';
import type { Queryable } from '../../store/db.js';
import { markEntitiesDeleted, markMovedTo } from '../../store/entity-repository.js';
import { upsertEntitiesOrReject } from '../../store/upsert-or-reject.js';
import { recordWebhookEvent, type WebhookEventRecord } from '../../store/webhook-events-repository.js';
import { whileHeartbeating } from '../heartbeat.js';
import { rentprogCall } from '../rentprog-call.js';

export interface EventDeps {
  db: Queryable;
  rentprog: RentProgClient;
  /** IANA zone per branch for RentProg's local booking dates. */
  timeZones: Record<string, string>;
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
     * for good with the reason: no retry would store it.
     */
    fetchAndStore: (ref: EntityRef & { carMoved?: boolean }): Promise<StoreResult> =>
      whileHeartbeating(async () => {
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
          throw ApplicationFailure.create({
            type: DATA_ERROR_TYPE,
            message: rejected.reason,
            nonRetryable: true,
          });
        }
        if (ref.carMoved) await markMovedTo(deps.db, 'car', ref.rentprogId, ref.branch, context.fetchedAt);
        return { found: true };
      }),

    async markEntityDeleted(ref: EntityRef & { at: string }): Promise<number> {
      return markEntitiesDeleted(deps.db, ref.entity, ref.branch, [ref.rentprogId], ref.at);
    },

    async recordEvent(record: WebhookEventRecord): Promise<void> {
      await recordWebhookEvent(deps.db, record);
    },
  };
}

export type EventActivities = ReturnType<typeof createEventActivities>;
