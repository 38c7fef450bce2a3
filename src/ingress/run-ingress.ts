import { Client } from '@temporalio/client';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { Metrics } from '../metrics/metrics.js';
import { createIngressApp, type IngressDeps } from './app.js';
import { ingressConnection } from './temporal-connection.js';
import { openSpool } from './open-spool.js';
import { startSpoolRelay } from './spool-relay.js';
import { webhookUrls } from './webhook-urls.js';

/** How long a webhook waits for Temporal to accept its workflow before 503. */
export const START_DEADLINE_MS = 5000;

/**
 * Serves the ingress until SIGINT/SIGTERM. It starts even while Temporal is down (the
 * connection is lazy): webhooks are then spooled (Postgres `webhook_inbox`, or a file in
 * DATA_DIR/spool) and answered 202, and the relay starts their workflows once Temporal is
 * back; `/readyz` reports both.
 */
export async function runIngress(
  config: Config,
  logger: Logger,
  metrics = new Metrics(),
  telegramWebhook?: IngressDeps['telegramWebhook'],
): Promise<void> {
  const connection = ingressConnection(config.temporal.address);
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const starter = { client, taskQueue: config.temporal.taskQueue, deadlineMs: START_DEADLINE_MS };
  const { spool, close: closeSpool } = await openSpool(config.database);
  const relay = startSpoolRelay({ spool, starter, logger });
  const app = createIngressApp({
    webhookSecrets: config.rentprog.webhookSecrets,
    signatureHeader: config.rentprog.signatureHeader,
    starter,
    spool,
    logger,
    metrics,
    telegramWebhook,
    isTemporalReachable: () => temporalReachable(client),
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(config.http.port, () => resolve(listening));
  });
  logger.info({ port: config.http.port }, 'ingress listening');
  for (const { branch, url } of webhookUrls(config)) logger.info({ branch, url }, 'webhook URL');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // Stop taking webhooks, let the ones in flight finish, then stop relaying.
  await new Promise((resolve) => server.close(resolve));
  await relay.stop();
  await closeSpool();
  await connection.close();
  logger.info('ingress stopped');
}

export async function temporalReachable(client: Client): Promise<boolean> {
  try {
    await client.withDeadline(Date.now() + 2000, () => client.connection.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}
