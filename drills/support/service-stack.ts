import { Client, Connection } from '@temporalio/client';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { FAST_RECONNECT } from '../../src/ingress/temporal-connection.js';
import { dataConverterFor } from '../../src/temporal/data-converter.js';
import { Simulator, type SimulatedBranch } from '../../src/simulator/simulator.js';
import type { Db } from '../../src/store/db.js';
import { openPostgres } from '../../src/store/postgres-db.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import type { DrillContext } from './drill.js';
import { freePort } from '../../harness/ports.js';
import { type PrivatePostgres, startPrivatePostgres } from '../../harness/private-postgres.js';
import { PAYLOAD_KEY_ID } from './secrets.js';
import { serviceEnv } from './service-env.js';
import { type RunningProcess, runToSuccess, startCli } from '../../harness/processes.js';
import type { Teardown } from './teardown.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../harness/temporal-dev-server.js';
import { sleep, waitFor } from '../../harness/wait.js';

export interface StackOptions {
  /** Names the drill's files and logs. */
  name: string;
  branches: Omit<SimulatedBranch, 'companyToken'>[];
  seed: number;
  maxRequestsPerMinute?: number;
}

/**
 * What every stack runs beside the service: a Temporal client that reads the service's
 * encrypted payloads (query answers) with the same key, the RentProg simulator and a fake
 * Telegram, each registered with `teardown`.
 */
export async function startStackPeers(
  context: DrillContext,
  teardown: Teardown,
  options: StackOptions,
  temporalAddress: string,
) {
  const connection = Connection.lazy({ address: temporalAddress, channelArgs: FAST_RECONNECT });
  teardown.add('Temporal connection', () => connection.close());
  const payloadKeys = [{ id: PAYLOAD_KEY_ID, key: Buffer.from(context.secrets.payloadKey, 'base64') }];
  const client = new Client({ connection, dataConverter: dataConverterFor({ payloadKeys }) });
  const sim = await new Simulator({
    seed: options.seed,
    branches: options.branches.map((b) => ({ ...b, companyToken: context.secrets.companyTokens[b.name]! })),
  }).start();
  teardown.add('simulator', () => sim.stop());
  const telegram = await startFakeTelegram();
  teardown.add('fake Telegram', () => telegram.close());
  return { client, sim, telegram };
}

/**
 * Everything one drill runs against, all real and on loopback: a private Postgres, a
 * Temporal dev server with its state in a file, the RentProg simulator, a fake Telegram,
 * and the service's own processes (`rentprog-flow ingress` and `worker`), started on
 * demand. Everything is registered with `teardown`, histories saved before Temporal stops.
 */
export async function startServiceStack(context: DrillContext, teardown: Teardown, options: StackOptions) {
  const { secrets, evidence } = context;
  const dir = path.join(context.workDir, options.name);
  await mkdir(dir, { recursive: true });
  const branches = options.branches.map((b) => b.name);

  const postgres: PrivatePostgres = await startPrivatePostgres({
    password: secrets.databasePassword,
    keepLog: (file) => evidence.keepLog(file, `${options.name}-postgres`),
  });
  teardown.add('Postgres', () => postgres.stop());
  const databaseUrl = await postgres.createDatabase('rentprog');
  const db: Db = openPostgres(databaseUrl, { max: 2 });
  teardown.add('database pool', () => db.close());

  const temporalPort = await freePort();
  const temporalDbFile = path.join(dir, 'temporal.sqlite');
  const startTemporal = (label: string) =>
    startTemporalDevServer({
      cli: context.temporalCli,
      port: temporalPort,
      dbFile: temporalDbFile,
      log: evidence.logFile(`${options.name}-${label}`),
    });
  let temporal: TemporalDevServer = await startTemporal('temporal');
  teardown.add('Temporal dev server', async () => {
    await evidence.saveHistories(temporal.address, options.name);
    await temporal.stop();
  });
  const { client, sim, telegram } = await startStackPeers(context, teardown, options, temporal.address);

  const ingressPort = await freePort();
  const env = serviceEnv({
    secrets,
    branches,
    rentprogBaseUrl: sim.baseUrl,
    temporalAddress: temporal.address,
    databaseUrl,
    dataDir: path.join(dir, 'data'),
    port: ingressPort,
    telegramApiRoot: telegram.apiRoot,
    maxRequestsPerMinute: options.maxRequestsPerMinute,
  });
  const service = (label: string, args: string[]) => {
    const name = `${options.name}-${label}`;
    return startCli(args, { env, name, log: evidence.logFile(name) });
  };
  await runToSuccess(service('migrate', ['migrate']));

  const processes: RunningProcess[] = [];
  teardown.add('service processes', () => Promise.all(processes.map((p) => p.stop())));
  let workers = 0;

  return {
    branches,
    sim,
    db,
    postgres,
    client,
    telegram,
    ingressUrl: `http://127.0.0.1:${ingressPort}`,
    async startIngress(): Promise<RunningProcess> {
      const ingress = service('ingress', ['ingress']);
      processes.push(ingress);
      await ingress.waitForOutput(/ingress listening/, 60_000);
      return ingress;
    },

    /** A worker process, once it polls and has made sure every branch's sync runs. */
    async startWorker(): Promise<RunningProcess> {
      const worker = service(`worker-${++workers}`, ['worker']);
      processes.push(worker);
      await worker.waitForOutput(/branch syncs running/, 120_000);
      return worker;
    },

    /**
     * Stops the dev server, keeps it down for `downMs`, starts it on the same port and file;
     * `whileDown` runs once it is gone, `beforeStart` is awaited just before it starts again.
     */
    async restartTemporal(
      downMs: number,
      hooks: { whileDown?: () => void; beforeStart?: () => Promise<void> } = {},
    ) {
      const stopping = Date.now();
      await temporal.stop();
      const stoppedAt = Date.now();
      hooks.whileDown?.();
      await sleep(downMs);
      await hooks.beforeStart?.();
      temporal = await startTemporal('temporal-restarted');
      return { stopping, stoppedAt, answeringAt: Date.now() };
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
