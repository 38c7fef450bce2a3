import type { Queryable } from './db.js';
import { storable } from './storable.js';

export type WebhookEventStatus = 'received' | 'processed' | 'not_found' | 'failed' | 'unparsed';

export interface WebhookEventRecord {
  eventId: string;
  branch: string;
  type: string;
  rawEvent: string;
  entity: string;
  rentprogId: number | null;
  workflowId: string;
  status: WebhookEventStatus;
  error?: string | null;
  payload?: unknown;
  receivedAt: string;
}

/**
 * One row per event id; a later outcome (a retry, a replay) updates it and counts the
 * attempt. Strings are made storable (a NUL in a payload or an error must not lose the event).
 */
export async function recordWebhookEvent(db: Queryable, event: WebhookEventRecord): Promise<void> {
  const record = storable(event);
  await db.query(
    `INSERT INTO webhook_events
       (event_id, branch, type, raw_event, entity, rentprog_id, workflow_id, status, error, attempts, payload,
        received_at, processed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10::jsonb, $11, now())
     ON CONFLICT (event_id) DO UPDATE SET
       status = excluded.status, error = excluded.error, attempts = webhook_events.attempts + 1,
       processed_at = now(), updated_at = now()`,
    [
      record.eventId,
      record.branch,
      record.type,
      record.rawEvent,
      record.entity,
      record.rentprogId,
      record.workflowId,
      record.status,
      record.error ?? null,
      JSON.stringify(record.payload ?? null),
      record.receivedAt,
    ],
  );
}
