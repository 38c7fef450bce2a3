import { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { createProbeActivities } from '../activities/probes/probe-activities.js';
import { createBot } from '../bot/create-bot.js';
import { runBot } from '../bot/run-bot.js';
import type { Config } from '../config/config.js';
import { Metrics } from '../metrics/metrics.js';
import { runIngress } from '../ingress/run-ingress.js';
import { webhookUrls } from '../ingress/webhook-urls.js';
import { rentprogClientFromConfig } from '../rentprog/client-from-config.js';
import type { Db } from '../store/db.js';
import { openDatabase } from '../store/open-database.js';
import { runWorker } from '../temporal/run-worker.js';

export const ROLES = ['all', 'ingress', 'worker', 'bot'] as const;
export type Role = (typeof ROLES)[number];

/** Runs the chosen roles in this process until SIGINT/SIGTERM. */
export async function runStart(config: Config, role: Role, logger: Logger): Promise<void> {
  const wants = (r: Role) => role === 'all' || role === r;
  const botOn = wants('bot') && Boolean(config.telegram.botToken);
  if (role === 'bot' && !botOn) throw new Error('TELEGRAM_BOT_TOKEN is not set: there is no bot to start');
  const db = wants('worker') || botOn ? await openDatabase(config.database) : undefined;
  const log = (line: string) => logger.info(line);
  // One registry for the process: the ingress's /metrics shows the worker's series too.
  const metrics = new Metrics();
  try {
    await Promise.all([
      wants('worker') ? runWorker(config, log, db, metrics) : undefined,
      wants('ingress') ? runIngress(config, logger, metrics) : undefined,
      botOn ? startBot(config, db!, logger) : undefined,
    ]);
  } finally {
    await db?.close();
  }
}

async function startBot(config: Config, db: Db, logger: Logger): Promise<void> {
  const connection = Connection.lazy({ address: config.temporal.address });
  const probes = createProbeActivities({
    db,
    rentprog: rentprogClientFromConfig(config.rentprog),
    umnico: config.umnico,
    stripe: config.stripe,
  });
  const bot = createBot({
    token: config.telegram.botToken!,
    apiRoot: config.telegram.apiRoot,
    adminIds: config.telegram.adminIds,
    client: new Client({ connection, namespace: config.temporal.namespace }),
    taskQueue: config.temporal.taskQueue,
    branches: config.branches,
    timeZone: config.rentprog.timeZones[config.branches[0] ?? ''] ?? 'Asia/Tbilisi',
    webhookUrls: webhookUrls(config),
    probeDirectly: (spec) => probes.runProbe(spec),
    logger,
  });
  try {
    await runBot(bot, logger);
  } finally {
    await connection.close();
  }
}
