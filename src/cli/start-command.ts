import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { createProbeActivities } from '../activities/probes/probe-activities.js';
import { createBot } from '../bot/create-bot.js';
import { runBot } from '../bot/run-bot.js';
import { answerFirst, TELEGRAM_WEBHOOK_PATH } from '../bot/telegram-webhook.js';
import type { Bot } from 'grammy';
import type { Config } from '../config/config.js';
import { Metrics } from '../metrics/metrics.js';
import { type MetricsServer, serveMetrics } from '../metrics/serve-metrics.js';
import { deadLetterCounter } from '../ingress/dead-letter-count.js';
import { runIngress } from '../ingress/run-ingress.js';
import { webhookUrls } from '../ingress/webhook-urls.js';
import { rentprogClientFromConfig } from '../rentprog/api/client-from-config.js';
import type { Db } from '../store/db.js';
import { openDatabase } from '../store/open-database.js';
import { serviceClient } from '../temporal/data-converter.js';
import { runWorker } from '../temporal/run-worker.js';
import type { Role } from './roles.js';

/** Runs the chosen roles in this process until SIGINT/SIGTERM. */
export async function runStart(config: Config, role: Role, logger: Logger): Promise<void> {
  const wants = (r: Role) => role === 'all' || role === r;
  const botOn = wants('bot') && Boolean(config.telegram.botToken);
  if (role === 'bot' && !botOn) throw new Error('TELEGRAM_BOT_TOKEN is not set: there is no bot to start');
  const webhookMode = botOn && Boolean(config.telegram.webhookSecret);
  if (webhookMode && !wants('ingress')) {
    throw new Error('TELEGRAM_WEBHOOK_SECRET puts the bot behind the ingress: run it with --role all');
  }
  if (wants('ingress') && config.metricsPort === config.http.port && config.http.port !== 0) {
    throw new Error(
      'METRICS_PORT equals PORT: the ingress serves /metrics on PORT already; unset METRICS_PORT',
    );
  }
  const db = wants('worker') || botOn ? await openDatabase(config.database) : undefined;
  const log = (line: string) => logger.info(line);
  // One registry for the process: the ingress's /metrics shows the worker's series too.
  const metrics = new Metrics();
  if (wants('worker')) metrics.syncIntervalIs(config.rentprog.syncIntervalMs / 1000);
  let metricsServer: MetricsServer | undefined;
  try {
    if (config.metricsPort !== undefined) {
      metricsServer = await serveMetrics(metrics, config.metricsPort);
      logger.info({ port: metricsServer.port }, 'metrics listening');
    }
    const bot = botOn ? buildBot(config, db!, logger) : undefined;
    await Promise.all([
      wants('worker') ? runWorker(config, log, db, metrics, logger) : undefined,
      wants('ingress')
        ? runIngress(
            config,
            logger,
            metrics,
            bot && webhookMode ? telegramRoute(config, bot.bot, logger) : undefined,
            db,
          )
        : undefined,
      bot && !webhookMode ? runBot(bot.bot, logger).finally(() => bot.close()) : undefined,
      bot && webhookMode ? registerWebhook(config, bot.bot, logger) : undefined,
    ]);
  } finally {
    await metricsServer?.stop();
    await db?.close();
  }
  logger.info('rentprog-flow stopped, goodbye');
}

function buildBot(config: Config, db: Db, logger: Logger) {
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
    client: serviceClient(connection, config.temporal),
    taskQueue: config.temporal.taskQueue,
    branches: config.branches,
    branchNames: config.branchNames,
    timeZone: config.rentprog.timeZones[config.branches[0] ?? ''] ?? 'Asia/Tbilisi',
    timeZones: config.rentprog.timeZones,
    cancelStates: config.rentprog.cancelStates,
    db,
    webhookUrls: webhookUrls(config),
    probeDirectly: (spec) => probes.runProbe(spec),
    deadLetters: deadLetterCounter(config.database, db),
    syncConfig: config,
    logger,
  });
  return { bot, close: () => connection.close() };
}

/** Webhook mode: Telegram posts updates to the ingress, which checks its secret token. */
function telegramRoute(config: Config, bot: Bot, logger: Logger) {
  const secret = config.telegram.webhookSecret!;
  return { path: TELEGRAM_WEBHOOK_PATH, secretToken: secret, handler: answerFirst(bot, logger) };
}

async function registerWebhook(config: Config, bot: Bot, logger: Logger): Promise<void> {
  const secret = config.telegram.webhookSecret!;
  await bot.init();
  await bot.api.setWebhook(`${config.http.publicBaseUrl}${TELEGRAM_WEBHOOK_PATH}`, { secret_token: secret });
  logger.info('bot: webhook mode, updates arrive at the ingress');
}
