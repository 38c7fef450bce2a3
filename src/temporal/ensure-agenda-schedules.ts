import {
  type Client,
  ScheduleOverlapPolicy,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import type { Config } from '../config/config.js';
import { upsertSchedule } from './upsert-schedule.js';
import type { dailyAgenda } from '../workflows/daily-agenda.js';
import { BRANCH_SEARCH_ATTRIBUTE } from '../workflows/search-attributes.js';

export type AgendaScheduleConfig = Pick<Config, 'branches' | 'temporal'> & {
  rentprog: Pick<Config['rentprog'], 'timeZones'>;
  telegram: Pick<Config['telegram'], 'agendaTime'>;
};

/** One Schedule per branch, under this id in the Web UI. */
export const agendaScheduleId = (branch: string): string => `agenda-${branch}`;

type AgendaSchedule = Omit<
  ScheduleOptions<ScheduleOptionsStartWorkflowAction<typeof dailyAgenda>>,
  'scheduleId'
>;

/** AGENDA_TIME every day in the branch's own zone (RENTPROG_BRANCH_TIMEZONES), Temporal keeping the clock. */
export function agendaSchedule(config: AgendaScheduleConfig, branch: string): AgendaSchedule {
  const { hour, minute } = config.telegram.agendaTime;
  return {
    spec: {
      calendars: [{ hour, minute, comment: `the day's handovers and returns for ${branch}` }],
      timezone: config.rentprog.timeZones[branch] ?? 'UTC',
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'dailyAgenda',
      // Temporal appends the scheduled time, so each day's run has its own id.
      workflowId: agendaScheduleId(branch),
      taskQueue: config.temporal.taskQueue,
      args: [{ branch }],
      typedSearchAttributes: [{ key: BRANCH_SEARCH_ATTRIBUTE, value: branch }],
      staticSummary: `Daily agenda of ${branch}`,
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      // After a longer outage the morning's agenda is stale: skip it rather than send it at night.
      catchupWindow: '6h',
    },
  };
}

/**
 * Creates each branch's agenda Schedule, or brings an existing one up to the current
 * configuration (time, zone, task queue), keeping whether someone paused it. Safe at
 * every start-up. Returns the schedule ids.
 */
export async function ensureAgendaSchedules(client: Client, config: AgendaScheduleConfig): Promise<string[]> {
  const ids: string[] = [];
  for (const branch of config.branches) {
    const scheduleId = agendaScheduleId(branch);
    await upsertSchedule(client, scheduleId, agendaSchedule(config, branch));
    ids.push(scheduleId);
  }
  return ids;
}
