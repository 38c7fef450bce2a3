import path from 'node:path';
import { freePort } from '../../harness/ports.js';
import { type RunningProcess, runToSuccess, startCli } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait.js';
import type { Db } from '../../src/store/db.js';
import { openPostgres } from '../../src/store/postgres-db.js';
import type { DrillContext } from './drill.js';
import { serviceEnv } from './service-env.js';
import { type StackOptions, startStackPeers } from './service-stack.js';
import type { Teardown } from './teardown.js';

/**
 * The service split as compose splits it (`start --role ingress`, `--role worker` as
 * often as asked, `--role bot`), on a Temporal server and a database someone else
 * runs, with the RentProg simulator and a fake Telegram. The same surface as
 * startServiceStack's, so drills written for the dev server run on it unchanged.
 */
export async function startSplitStack(
  context: DrillContext,
  teardown: Teardown,
  options: StackOptions & {
    temporalAddress: string;
    databaseUrl: string;
    /** A queue of its own, so two stacks can share one server. */
    taskQueue?: string;
  },
) {
  const { secrets, evidence } = context;
  const branches = options.branches.map((b) => b.name);
  const db: Db = openPostgres(options.databaseUrl, { max: 2 });
  teardown.add('database pool', () => db.close());

  const { client, sim, telegram } = await startStackPeers(
    context,
    teardown,
    options,
    options.temporalAddress,
  );

  const ingressPort = await freePort();
  const env = {
    ...serviceEnv({
      secrets,
      branches,
      rentprogBaseUrl: sim.baseUrl,
      temporalAddress: options.temporalAddress,
      databaseUrl: options.databaseUrl,
      dataDir: path.join(context.workDir, options.name, 'data'),
      port: ingressPort,
      telegramApiRoot: telegram.apiRoot,
      maxRequestsPerMinute: options.maxRequestsPerMinute,
    }),
    ...(options.taskQueue ? { TEMPORAL_TASK_QUEUE: options.taskQueue } : {}),
  };
  const processes: RunningProcess[] = [];
  teardown.add('service processes', () => Promise.all(processes.map((p) => p.stop())));
  const role = (label: string, roleName: string) => {
    const name = `${options.name}-${label}`;
    const running = startCli(['start', '--role', roleName], { env, name, log: evidence.logFile(name) });
    processes.push(running);
    return running;
  };
  await runToSuccess(
    startCli(['migrate'], {
      env,
      name: `${options.name}-migrate`,
      log: evidence.logFile(`${options.name}-migrate`),
    }),
  );
  let workers = 0;

  return {
    branches,
    sim,
    db,
    client,
    telegram,
    ingressUrl: `http://127.0.0.1:${ingressPort}`,
    async startIngress(): Promise<RunningProcess> {
      const ingress = role('ingress', 'ingress');
      await ingress.waitForOutput(/ingress listening/, 60_000);
      return ingress;
    },

    /** A worker process, once it polls and has made sure every branch's sync runs. */
    async startWorker(): Promise<RunningProcess> {
      const worker = role(`worker-${++workers}`, 'worker');
      await worker.waitForOutput(/branch syncs running/, 120_000);
      return worker;
    },

    /** The bot, long polling the fake Telegram. */
    async startBot(): Promise<RunningProcess> {
      const bot = role('bot', 'bot');
      await bot.waitForOutput(/bot: long polling/, 60_000);
      return bot;
    },

    /** The event workflows still running; none once every accepted event has been processed. */
    async waitForEvents(timeoutMs: number) {
      await waitFor(
        async () =>
          (await client.workflow.count('WorkflowType = "rentprogEvent" AND ExecutionStatus = "Running"'))
            .count === 0,
        { what: 'every rentprogEvent workflow closed', timeoutMs, intervalMs: 1000 },
      );
    },
  };
}
