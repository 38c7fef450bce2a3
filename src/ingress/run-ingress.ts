import { Client, Connection } from '@temporalio/client';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { createIngressApp } from './app.js';
import { webhookUrls } from './webhook-urls.js';

/** How long a webhook waits for Temporal to accept its workflow before 503. */
export const START_DEADLINE_MS = 5000;

/**
 * Serves the ingress until SIGINT/SIGTERM. It starts even while Temporal is down (the
 * connection is lazy): webhooks are answered 503 until it is back, and `/readyz` says so.
 */
export async function runIngress(config: Config, logger: Logger): Promise<void> {
  const connection = Connection.lazy({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const app = createIngressApp({
    webhookSecrets: config.rentprog.webhookSecrets,
    signatureHeader: config.rentprog.signatureHeader,
    starter: { client, taskQueue: config.temporal.taskQueue, deadlineMs: START_DEADLINE_MS },
    logger,
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
  await new Promise((resolve) => server.close(resolve));
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
