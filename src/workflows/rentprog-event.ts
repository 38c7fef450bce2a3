import {
  ActivityFailure,
  ApplicationFailure,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { EventActivities } from '../activities/events/event-activities.js';
import type { NotifyActivities, NotifyResult } from '../activities/notify/notify-activities.js';
import { noticeChanges, noticeKindsOf } from '../notify/notice-kinds.js';
import { rentprogStayedAway } from '../notify/rentprog-away.js';
import { RENTPROG_RETRY_POLICY } from '../temporal/rentprog-retry-policy.js';
import { isDestroyEvent, isStoredEntity, type RentProgEvent } from '../rentprog/webhooks/webhook-event.js';
import { type EventOutcome, eventOutcomeQuery } from './rentprog-event-types.js';
import { rentprogTaskQueue } from './task-queues.js';

export type { EventOutcome } from './rentprog-event-types.js';

// The database being away only delays an event: retry until it is back.
// Short Postgres writes: local activities, so they cost the engine no task round trip.
const store = proxyLocalActivities<EventActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});
const { notifyBranch } = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

/** What histories begun before 'notify-every-kind' notify, and keep notifying on replay. */
const NOTIFIED_TYPES = new Set(['booking.issue.planned', 'booking.return.planned', 'car.moved']);

/**
 * One RentProg webhook, processed once (the workflow id is the event id): fetch the
 * full record, store it newer-wins, tell the branch's chat when a person is needed, and
 * record the outcome. A RentProg outage only delays it: RentProg calls retry for a day
 * on the branch's rate-limited task queue. Then the workflow waits out the rest of the
 * dedup window, open, so that the same webhook again is answered as a duplicate.
 */
export async function rentprogEvent(event: RentProgEvent): Promise<EventOutcome> {
  let done: EventOutcome | null = null;
  setHandler(eventOutcomeQuery, () => done);
  // These workflows stay open for the dedup window (up to 15 min), so histories begun under
  // the earlier code replay under this one: they keep its single notify call for three types.
  const everyKind = patched('notify-every-kind');
  try {
    const outcome = await handle(event, everyKind);
    await record(event, outcome.status, noteOf(outcome));
    done = outcome;
  } catch (err) {
    const reason = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
    await record(event, 'failed', reason);
    throw ApplicationFailure.nonRetryable(reason, 'RentProgEventFailed');
  }
  await holdDedupWindow(event);
  return done;
}

/**
 * Sleeps out the rest of the window from `receivedAt`: RentProg sends no event id, so
 * time is the only tell. Counted from the run's start (from history, so replays agree),
 * the window runs the processing time longer than asked, which it may.
 */
async function holdDedupWindow(event: RentProgEvent): Promise<void> {
  const until = Date.parse(event.receivedAt) + (event.dedupWindowMs ?? 0);
  const remaining = until - workflowInfo().runStartTime.getTime();
  if (!(remaining > 0)) return;
  const summary = `dedup window: the same webhook until ${new Date(until).toISOString()} is a duplicate`;
  setCurrentDetails(summary);
  await sleep(remaining, { summary });
}

function noteOf(outcome: EventOutcome): string | null {
  if (outcome.action === 'not in branch') return 'not found in this branch';
  if (outcome.action === 'kept') return 'destroy webhook, but RentProg still has the record: kept';
  return null;
}

async function handle(event: RentProgEvent, everyKind: boolean): Promise<EventOutcome> {
  const { entity, branch, rentprogId } = event;
  if (!isStoredEntity(entity)) return { status: 'processed', action: 'recorded' };
  const ref = { entity, branch, rentprogId };
  const { fetchAndStore } = proxyActivities<EventActivities>({
    taskQueue: rentprogTaskQueue(workflowInfo().taskQueue, branch),
    startToCloseTimeout: '1m',
    // The activity heartbeats: a worker killed mid-fetch is noticed in seconds, not a minute.
    heartbeatTimeout: '10s',
    scheduleToCloseTimeout: '24h',
    retry: { ...RENTPROG_RETRY_POLICY, maximumAttempts: undefined },
  });
  let stored: Awaited<ReturnType<typeof fetchAndStore>>;
  try {
    stored = await fetchAndStore({ ...ref, carMoved: event.type === 'car.moved' });
  } catch (err) {
    // RentProg away past the retry window: the event fails, but the chat still hears of it.
    // It fails for RentProg's reason either way; a message that could not go is in the history.
    if (everyKind && rentprogStayedAway(err)) await notify(event, true).catch(() => undefined);
    throw err;
  }
  // A deletion is believed only when RentProg's own endpoint no longer has the record:
  // anyone holding the URL could forge a `*_destroy`.
  if (isDestroyEvent(event)) {
    if (stored.found) return { status: 'processed', action: 'kept' };
    await store.markEntityDeleted({ ...ref, at: event.receivedAt });
    return { status: 'processed', action: 'deleted' };
  }
  if (!stored.found) {
    const notified = everyKind ? await notify(event, true) : undefined;
    return { status: 'not_found', action: 'not in branch', notified };
  }
  if (everyKind) return { status: 'processed', action: 'stored', notified: await notify(event, false) };
  const notified = NOTIFIED_TYPES.has(event.type)
    ? await notifyBranch({ branch, type: event.type, rentprogId })
    : undefined;
  return { status: 'processed', action: 'stored', notified };
}

/**
 * Tells the chats what the event calls for, if anything; the activity applies the
 * configuration and reads the facts. `fallback`: RentProg gave no record, so the message
 * is built from the webhook's own values and says the details are missing.
 */
async function notify(event: RentProgEvent, fallback: boolean): Promise<NotifyResult | undefined> {
  const kinds = noticeKindsOf(event);
  if (kinds.length === 0) return undefined;
  const { branch, type, rentprogId } = event;
  return notifyBranch({ branch, type, rentprogId, kinds, changes: noticeChanges(event.changes), fallback });
}

function record(event: RentProgEvent, status: 'processed' | 'not_found' | 'failed', error: string | null) {
  return store.recordEvent({
    eventId: event.eventId,
    branch: event.branch,
    type: event.type,
    rawEvent: event.rawEvent,
    entity: event.entity,
    rentprogId: event.rentprogId,
    workflowId: workflowInfo().workflowId,
    status,
    error,
    payload: event.changes,
    receivedAt: event.receivedAt,
  });
}
