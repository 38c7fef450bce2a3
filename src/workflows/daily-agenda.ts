import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AgendaActivities, AgendaResult } from '../activities/agenda/agenda-activities.js';

/** Set by Temporal on every run a Schedule starts: the time the schedule meant, not when the run began. */
const SCHEDULED_START_TIME = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

// A Telegram outage is waited out for a few hours; later, that morning's agenda is news no more.
const { sendAgenda } = proxyActivities<AgendaActivities>({
  startToCloseTimeout: '1m',
  scheduleToCloseTimeout: '3h',
  retry: { initialInterval: '5s', maximumInterval: '5m' },
});

/**
 * One branch's daily agenda, started by its Schedule (`agenda-<branch>`). Carries the
 * branch only; the activity reads the day's bookings from Postgres and sends them.
 */
export async function dailyAgenda(input: { branch: string }): Promise<AgendaResult> {
  const scheduledAt = workflowInfo().typedSearchAttributes.get(SCHEDULED_START_TIME);
  return sendAgenda({ branch: input.branch, scheduledAt: scheduledAt?.toISOString() });
}
