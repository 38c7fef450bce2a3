import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { EventActivities } from '../activities/events/event-activities.js';
import type { QuarantineInput } from './quarantine-types.js';

const { recordEvent } = proxyActivities<EventActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/**
 * Keeps an authentic webhook we could not read. Its input (the reason, the body's digest
 * and where the body is kept) stays visible in the Web UI, and a `webhook_events` row
 * marks it `unparsed`, so an engineer can fix the parser and replay the body; nothing
 * RentProg sent is lost.
 */
export async function quarantine(input: QuarantineInput): Promise<{ recorded: true }> {
  await recordEvent({
    eventId: `unparsed:${input.branch}:${input.bodySha256}`,
    branch: input.branch,
    type: 'unparsed',
    rawEvent: '',
    entity: '',
    rentprogId: null,
    workflowId: workflowInfo().workflowId,
    status: 'unparsed',
    error: input.reason,
    payload: {
      contentType: input.contentType,
      bytes: input.bytes,
      bodySha256: input.bodySha256,
      bodyRef: input.bodyRef,
    },
    receivedAt: input.receivedAt,
  });
  return { recorded: true };
}
