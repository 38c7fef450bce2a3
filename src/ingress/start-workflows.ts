import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { classifyStartError } from './start-errors.js';
import type { RentProgEvent } from '../rentprog/webhooks/webhook-event.js';
import type { SpoolEntry } from './spool.js';
import type { QuarantineInput } from '../workflows/quarantine-types.js';
import type { quarantine } from '../workflows/quarantine.js';
import type { rentprogEvent } from '../workflows/rentprog-event.js';
import { BRANCH_SEARCH_ATTRIBUTE, EVENT_SEARCH_ATTRIBUTE } from '../workflows/search-attributes.js';

export { TemporalRefusedError, TemporalUnavailableError } from './start-errors.js';

export interface StartResult {
  workflowId: string;
  /** The id was already taken within the retention window: the same event came again. */
  duplicate: boolean;
}

export interface Starter {
  client: Client;
  taskQueue: string;
  /** How long a start may take before the webhook is answered 503. */
  deadlineMs: number;
}

export const eventWorkflowId = (event: Pick<RentProgEvent, 'branch' | 'eventId'>) =>
  `rentprog-event:${event.branch}:${event.eventId}`;

/**
 * Starts `rentprogEvent` for an event id unless a run of it is still open: the workflow
 * stays open for the dedup window after its work, so a repeat inside the window is a
 * `duplicate`, and the same change after it (ALLOW_DUPLICATE) is processed again.
 */
export function startEventWorkflow(starter: Starter, event: RentProgEvent): Promise<StartResult> {
  const workflowId = eventWorkflowId(event);
  return startOnce(starter, workflowId, () =>
    starter.client.workflow.start<typeof rentprogEvent>(
      'rentprogEvent',
      eventStartOptions(event, starter.taskQueue),
    ),
  );
}

/** How an event's workflow is started: its id, input, reuse policy and what the Web UI shows of it. */
export function eventStartOptions(event: RentProgEvent, taskQueue: string) {
  return {
    workflowId: eventWorkflowId(event),
    taskQueue,
    args: [event] as [RentProgEvent],
    workflowIdReusePolicy: 'ALLOW_DUPLICATE' as const,
    typedSearchAttributes: [
      { key: BRANCH_SEARCH_ATTRIBUTE, value: event.branch },
      { key: EVENT_SEARCH_ATTRIBUTE, value: event.type },
    ],
    staticSummary: `${event.type} ${event.entity} ${event.rentprogId}`,
  };
}

export const quarantineWorkflowId = (input: Pick<QuarantineInput, 'branch' | 'bodySha256'>) =>
  `rentprog-quarantine:${input.branch}:${input.bodySha256}`;

/** Keeps an unreadable but authentic body as a `quarantine` workflow, once per distinct body. */
export function startQuarantineWorkflow(starter: Starter, input: QuarantineInput): Promise<StartResult> {
  const workflowId = quarantineWorkflowId(input);
  return startOnce(starter, workflowId, () =>
    starter.client.workflow.start<typeof quarantine>('quarantine', {
      workflowId,
      taskQueue: starter.taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: BRANCH_SEARCH_ATTRIBUTE, value: input.branch },
        { key: EVENT_SEARCH_ATTRIBUTE, value: 'unparsed' },
      ],
      staticSummary: `unparsed webhook: ${input.reason}`,
    }),
  );
}

/** Where an accepted webhook goes: Temporal in the service, an in-memory queue in a benchmark baseline. */
export interface EventSink {
  startEvent(event: RentProgEvent): Promise<StartResult>;
  startQuarantine(input: QuarantineInput): Promise<StartResult>;
}

/** The workflow a spooled or accepted webhook becomes. */
export const entryWorkflowId = (entry: SpoolEntry) =>
  entry.kind === 'event' ? eventWorkflowId(entry.input) : quarantineWorkflowId(entry.input);

/** Starts the workflow of a webhook, whichever kind it is. */
export const startEntry = (sink: EventSink, entry: SpoolEntry): Promise<StartResult> =>
  entry.kind === 'event' ? sink.startEvent(entry.input) : sink.startQuarantine(entry.input);

export const temporalSink = (starter: Starter): EventSink => ({
  startEvent: (event) => startEventWorkflow(starter, event),
  startQuarantine: (input) => startQuarantineWorkflow(starter, input),
});

async function startOnce(
  starter: Starter,
  workflowId: string,
  start: () => Promise<unknown>,
): Promise<StartResult> {
  try {
    await starter.client.withDeadline(Date.now() + starter.deadlineMs, start);
    return { workflowId, duplicate: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, duplicate: true };
    throw classifyStartError(err, workflowId);
  }
}
