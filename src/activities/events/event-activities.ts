import type { RentProgClient } from '../../rentprog/client.js';
import { getEntity, type EntityOf } from '../../rentprog/entities.js';
import { bookingRow, carRow, clientRow, type ReadContext } from '../../rentprog/entity-rows.js';
import { RentProgNotFoundError } from '../../rentprog/errors.js';
import type { StoredEntity } from '../../rentprog/webhook-event.js';
import type { Queryable } from '../../store/db.js';
import { markEntitiesDeleted, markMovedTo, upsertEntities } from '../../store/entity-repository.js';
import { recordWebhookEvent, type WebhookEventRecord } from '../../store/webhook-events-repository.js';
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
     * received it.
     */
    async fetchAndStore(ref: EntityRef & { carMoved?: boolean }): Promise<StoreResult> {
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
      await upsertEntities(deps.db, ref.entity, ref.branch, [row]);
      if (ref.carMoved) await markMovedTo(deps.db, 'car', ref.rentprogId, ref.branch, context.fetchedAt);
      return { found: true };
    },

    async markEntityDeleted(ref: EntityRef & { at: string }): Promise<number> {
      return markEntitiesDeleted(deps.db, ref.entity, ref.branch, [ref.rentprogId], ref.at);
    },

    async recordEvent(record: WebhookEventRecord): Promise<void> {
      await recordWebhookEvent(deps.db, record);
    },
  };
}

export type EventActivities = ReturnType<typeof createEventActivities>;
