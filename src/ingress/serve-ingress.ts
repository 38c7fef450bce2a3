import type { Client } from '@temporalio/client';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Metrics } from '../metrics/metrics.js';
import { createIngressApp, type IngressDeps } from './app.js';
import { openSpool } from './open-spool.js';
import { startSpoolRelay } from './spool-relay.js';

/** How long a webhook waits for Temporal to accept its workflow before it is spooled. */
export const START_DEADLINE_MS = 5000;

export interface ServeOptions {
  config: Config;
  client: Client;
  logger: Logger;
  metrics?: Metrics;
  telegramWebhook?: IngressDeps['telegramWebhook'];
  observe?: IngressDeps['observe'];
  host?: string;
}

/**
 * The ingress on its port, with its outage spool and the relay that drains it. `stop`
 * stops taking webhooks, lets the ones in flight finish, then stops relaying.
 */
export async function serveIngress(options: ServeOptions) {
  const { config, client, logger } = options;
  const starter = { client, taskQueue: config.temporal.taskQueue, deadlineMs: START_DEADLINE_MS };
  const { spool, close: closeSpool } = await openSpool(config.database);
  const relay = startSpoolRelay({ spool, starter, logger });
  const app = createIngressApp({
    webhookSecrets: config.rentprog.webhookSecrets,
    signatureHeader: config.rentprog.signatureHeader,
    starter,
    spool,
    logger,
    metrics: options.metrics,
    telegramWebhook: options.telegramWebhook,
    observe: options.observe,
    isTemporalReachable: () => temporalReachable(client),
  });
  const server: Server = await new Promise((resolve) => {
    const listening = options.host
      ? app.listen(config.http.port, options.host, () => resolve(listening))
      : app.listen(config.http.port, () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? 'localhost'}:${port}`,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await relay.stop();
      await closeSpool();
    },
  };
}

export async function temporalReachable(client: Client): Promise<boolean> {
  try {
    await client.withDeadline(Date.now() + 2000, () => client.connection.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}
