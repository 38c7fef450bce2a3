import {
  type Client,
  ScheduleOverlapPolicy,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import type { Config } from '../config/config.js';
import { upsertSchedule } from './upsert-schedule.js';
import type { healthCheck } from '../workflows/health-check.js';
import { standardProbes } from '../workflows/health-check-types.js';

export type HealthScheduleConfig = Pick<Config, 'branches' | 'temporal' | 'health'>;

/** The Schedule's id in the Web UI. */
export const HEALTH_SCHEDULE_ID = 'health-check';

type HealthSchedule = Omit<
  ScheduleOptions<ScheduleOptionsStartWorkflowAction<typeof healthCheck>>,
  'scheduleId'
>;

/** Every HEALTH_CHECK_INTERVAL, the standard probes, their results reported as incidents. */
export function healthSchedule(config: HealthScheduleConfig): HealthSchedule {
  return {
    spec: { intervals: [{ every: config.health.checkIntervalMs }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'healthCheck',
      // Temporal appends the scheduled time, so each check has its own id.
      workflowId: HEALTH_SCHEDULE_ID,
      taskQueue: config.temporal.taskQueue,
      args: [{ probes: standardProbes(config.branches), report: true }],
      // Probes take seconds and the report a little more: a check stuck longer is failed.
      workflowExecutionTimeout: '5m',
      staticSummary: 'Scheduled health check: failing probes open incidents',
    },
    // A check still running when the next is due: skip the next, never pile them up.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
  };
}

/**
 * Creates the health-check Schedule, or brings an existing one up to the current
 * configuration (interval, branches, task queue), keeping whether someone paused it.
 * Safe at every start-up.
 */
export async function ensureHealthSchedule(client: Client, config: HealthScheduleConfig): Promise<string> {
  await upsertSchedule(client, HEALTH_SCHEDULE_ID, healthSchedule(config));
  return HEALTH_SCHEDULE_ID;
}
