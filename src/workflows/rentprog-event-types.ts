import { defineQuery } from '@temporalio/workflow';
import type { NotifyResult } from '../activities/notify/notify-activities.js';

export interface EventOutcome {
  status: 'processed' | 'not_found';
  /** `kept`: a `*_destroy` webhook for a record RentProg still serves, so nothing was deleted. */
  action: 'stored' | 'deleted' | 'kept' | 'recorded' | 'not in branch';
  notified?: NotifyResult;
}

/**
 * The outcome as soon as the work is done. The workflow itself stays open for the dedup
 * window after that, so its result comes only when the window closes.
 */
export const eventOutcomeQuery = defineQuery<EventOutcome | null>('eventOutcome');
