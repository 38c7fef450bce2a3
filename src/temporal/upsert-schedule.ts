import { type Client, ScheduleAlreadyRunning, type ScheduleOptions } from '@temporalio/client';

/**
 * Creates a Schedule, or brings an existing one up to `wanted` while keeping whether
 * someone paused it (and why): safe at every start-up.
 */
export async function upsertSchedule(
  client: Client,
  scheduleId: string,
  wanted: Omit<ScheduleOptions, 'scheduleId'>,
): Promise<void> {
  try {
    await client.schedule.create({ scheduleId, ...wanted });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({
      ...wanted,
      state: { paused: previous.state.paused, note: previous.state.note },
    }));
  }
}
