import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgendaResult } from '../../src/activities/agenda/agenda-activities.js';
import { createActivities } from '../../src/activities/index.js';
import { RentProgClient } from '../../src/rentprog/api/client.js';
import { localDayOf } from '../../src/time/local-day.js';
import { createWorkers } from '../../src/temporal/create-worker.js';
import {
  type AgendaScheduleConfig,
  agendaScheduleId,
  ensureAgendaSchedules,
} from '../../src/temporal/ensure-agenda-schedules.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { historyText } from '../../harness/history.js';
import { connectToDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';
import { insertBooking, insertCar, insertClient } from './rows.js';

const HOUR = 3_600_000;
const CHAT = -4242;

describe('the daily agenda Schedule', () => {
  // A branch of this file only: schedule ids are per namespace, shared by every test file.
  const branch = `agenda${randomUUID().slice(0, 8)}`;
  const taskQueue = uniqueTaskQueue('agenda');
  const config: AgendaScheduleConfig = {
    branches: [branch],
    temporal: { address: '', namespace: 'default', taskQueue },
    rentprog: { timeZones: { [branch]: 'Asia/Tbilisi' } },
    telegram: { agendaTime: { hour: 9, minute: 0 } },
  };
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  let workers: Worker[];
  let running: Promise<unknown>;

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    telegram = await startFakeTelegram();
    workers = await createWorkers({
      connection: env.nativeConnection,
      temporal: config.temporal,
      branches: [],
      maxRequestsPerMinute: 60,
      workflowBundle: workflowBundle(),
      activities: createActivities({
        db: database.db,
        // The agenda never calls RentProg: a client that reaches nowhere.
        rentprog: new RentProgClient({
          baseUrl: 'http://127.0.0.1:1',
          branchKeys: {},
          timeoutMs: 1000,
          maxRequestsPerMinute: 60,
        }),
        timeZones: config.rentprog.timeZones,
        branchNames: { [branch]: 'Тбилиси' },
        cancelStates: ['Отмена'],
        telegram: {
          botToken: '1:agenda-schedule',
          apiRoot: telegram.apiRoot,
          notifyChats: { [branch]: CHAT },
        },
      }),
    });
    running = Promise.all(workers.map((worker) => worker.run()));
  });
  afterAll(async () => {
    await env?.client.schedule
      .getHandle(agendaScheduleId(branch))
      .delete()
      .catch(() => undefined);
    for (const worker of workers ?? []) worker.shutdown();
    await running;
    await telegram?.close();
    await database?.drop();
    await env?.teardown();
  });

  /** The next time it is hh:mm UTC. */
  const nextUtc = (hour: number, minute: number) => {
    const now = new Date();
    const at = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour, minute);
    return new Date(at > now.getTime() ? at : at + 24 * HOUR);
  };

  it('runs at 09:00 in the branch zone (05:00 UTC for Tbilisi), and a second start-up updates it', async () => {
    expect(await ensureAgendaSchedules(env.client, config)).toEqual([`agenda-${branch}`]);
    const handle = env.client.schedule.getHandle(agendaScheduleId(branch));
    const described = await handle.describe();
    expect(described.spec.timezone).toBe('Asia/Tbilisi');
    expect(described.action).toMatchObject({ workflowType: 'dailyAgenda', taskQueue, args: [{ branch }] });
    expect(described.info.nextActionTimes[0]).toEqual(nextUtc(5, 0));
    for (let i = 1; i < described.info.nextActionTimes.length; i++) {
      expect(
        described.info.nextActionTimes[i]!.getTime() - described.info.nextActionTimes[i - 1]!.getTime(),
      ).toBe(24 * HOUR);
    }

    await handle.pause('paused by a person');
    await ensureAgendaSchedules(env.client, { ...config, telegram: { agendaTime: { hour: 8, minute: 30 } } });
    const updated = await handle.describe();
    expect(updated.info.nextActionTimes[0]).toEqual(nextUtc(4, 30));
    expect(updated.state.paused).toBe(true);

    await ensureAgendaSchedules(env.client, config);
    await handle.unpause();
    expect((await handle.describe()).info.nextActionTimes[0]).toEqual(nextUtc(5, 0));
  });

  it('triggered, sends that day’s agenda to the branch chat; triggered again the same day, sends nothing more', async () => {
    const handle = env.client.schedule.getHandle(agendaScheduleId(branch));
    const today = localDayOf(new Date(), 'Asia/Tbilisi');
    // 10:00 and 18:30 in Tbilisi (UTC+4) on today's local date.
    const at = (hhmm: string) => new Date(`${today}T${hhmm}:00+04:00`).toISOString();
    await insertCar(database.db, { branch, id: 6001, name: 'Toyota Camry', plate: 'AA-123-BB' });
    await insertClient(database.db, {
      branch,
      id: 6101,
      name: 'Иван',
      lastname: 'Петров',
      phone: '+995 555 11 22 33',
    });
    await insertBooking(database.db, {
      branch,
      id: 6201,
      number: 31,
      carId: 6001,
      clientId: 6101,
      from: 'Аэропорт',
      to: 'Офис',
      start: at('10:00'),
      end: at('18:30'),
    });

    await handle.trigger();
    const first = await actionRun(handle, 1);
    expect(first.result).toEqual({ sent: true, day: today, entries: 2, outcome: 'sent' });
    // The run carries the branch and the time the schedule meant; names and phones stay in Postgres.
    const meant = new Date(Math.floor(first.scheduledAt.getTime() / 1000) * 1000); // whole seconds
    expect(first.history).toContain(`\\"scheduledAt\\":\\"${meant.toISOString()}\\"`);
    expect(first.history).not.toMatch(/Петров|\+995|Аэропорт/);
    const toChat = () => telegram.sent.filter((m) => m.body.chat_id === CHAT);
    expect(toChat()).toHaveLength(1);
    const [y, m, d] = today.split('-');
    expect(toChat()[0]!.body.text).toMatch(new RegExp(`^📅 Тбилиси · \\S+, ${d}\\.${m}\\.${y}\\n`));
    expect(toChat()[0]!.body.text).toContain(
      '10:00 🚗 Выдача №31 · Toyota Camry AA-123-BB · Иван Петров, +995 555 11 22 33 · 📍 Аэропорт',
    );
    expect(toChat()[0]!.body.text).toContain('18:30 🔙 Возврат №31 · Toyota Camry AA-123-BB');

    await handle.trigger();
    expect((await actionRun(handle, 2)).result).toEqual({
      sent: true,
      day: today,
      entries: 2,
      outcome: 'already sent',
    });
    expect(toChat()).toHaveLength(1);
  });

  /** The schedule's `n`-th run once finished: its result, and its history as text. */
  async function actionRun(handle: ReturnType<typeof env.client.schedule.getHandle>, n: number) {
    const action = await vi.waitFor(
      async () => {
        const actions = (await handle.describe()).info.recentActions;
        if (actions.length < n) throw new Error(`${actions.length} runs so far`);
        return actions[n - 1]!;
      },
      { timeout: 30_000, interval: 200 },
    );
    const run = env.client.workflow.getHandle(
      action.action.workflow.workflowId,
      action.action.workflow.firstExecutionRunId,
    );
    const result = (await run.result()) as AgendaResult;
    return { result, scheduledAt: action.scheduledAt, history: historyText(await run.fetchHistory()) };
  }
});
