import type { Client } from '@temporalio/client';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { incidentsFromConfig } from '../incidents/from-config.js';
import { TemporalAwayWatch } from '../incidents/temporal-away-watch.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Queryable } from '../store/db.js';
import { createIngressApp, type IngressDeps } from './app.js';
import { openIngressStores } from './open-ingress-stores.js';
import { startSpoolRelay } from './spool-relay.js';
import { TemporalBreaker } from './temporal-breaker.js';

/**
 * How long a webhook waits for Temporal to accept its workflow before it is spooled. A
 * start takes milliseconds; one that takes seconds means Temporal is struggling, and
 * RentProg is better answered from the spool.
 */
export const START_DEADLINE_MS = 2000;
/** The relay works in the background and may wait longer for a slow Temporal. */
export const RELAY_DEADLINE_MS = 10_000;

/**
 * Node's defaults let one client hold a request open for five minutes and open any number
 * of connections; RentProg sends small bodies and needs neither.
 */
export const SERVER_LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
} as const;

export interface ServeOptions {
  config: Config;
  client: Client;
  logger: Logger;
  metrics?: Metrics;
  telegramWebhook?: IngressDeps['telegramWebhook'];
  observe?: IngressDeps['observe'];
  host?: string;
  /**
   * Where the ingress records the incident "Temporal away": a database this process
   * already has (`start --role all`), else the ingress's own Postgres, else memory.
   */
  db?: Queryable;
}

/**
 * The ingress on its port, with its outage spool, the relay that drains it, and the
 * breaker that sends webhooks straight to the spool while Temporal is away. `stop` stops
 * taking webhooks, lets the ones in flight finish, then stops relaying.
 */
export async function serveIngress(options: ServeOptions) {
  const { config, client, logger, metrics } = options;
  const starter = { client, taskQueue: config.temporal.taskQueue, deadlineMs: START_DEADLINE_MS };
  const { spool, quarantineBodies, db, close: closeStores } = await openIngressStores(config);
  const incidents = incidentsFromConfig(config, { db: options.db ?? db, logger, metrics });
  const temporalAway = new TemporalAwayWatch({ incidents, spoolDepth: () => spool.depth() }).start();
  const breaker = new TemporalBreaker({
    probe: () => temporalReachable(client, 1000),
    logger,
    onChange: (state) => {
      metrics?.temporalBreaker(state);
      void temporalAway.breakerChanged(state);
    },
  });
  const relay = startSpoolRelay({
    spool,
    starter: { ...starter, deadlineMs: RELAY_DEADLINE_MS },
    logger,
    metrics,
    breaker,
  });
  const app = createIngressApp({
    webhookSecrets: config.rentprog.webhookSecrets,
    signatureHeader: config.rentprog.signatureHeader,
    dedupWindowMs: config.ingress.dedupWindowMs,
    starter,
    spool,
    quarantineBodies,
    breaker,
    logger,
    metrics,
    telegramWebhook: options.telegramWebhook,
    observe: options.observe,
    isTemporalReachable: () => temporalReachable(client),
  });
  const server = await listen(app, config.http.port, options.host);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? 'localhost'}:${port}`,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      breaker.stop();
      temporalAway.stop();
      await relay.stop();
      await closeStores();
    },
  };
}

/** Listens with SERVER_LIMITS applied; used by the service and by tests alike. */
export async function listen(
  app: ReturnType<typeof createIngressApp>,
  port: number,
  host?: string,
): Promise<Server> {
  const server: Server = await new Promise((resolve) => {
    const listening = host
      ? app.listen(port, host, () => resolve(listening))
      : app.listen(port, () => resolve(listening));
  });
  server.headersTimeout = SERVER_LIMITS.headersTimeoutMs;
  server.requestTimeout = SERVER_LIMITS.requestTimeoutMs;
  server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeoutMs;
  server.maxConnections = SERVER_LIMITS.maxConnections;
  return server;
}

export async function temporalReachable(client: Client, timeoutMs = 2000): Promise<boolean> {
  try {
    await client.withDeadline(Date.now() + timeoutMs, () =>
      client.connection.workflowService.getSystemInfo({}),
    );
    return true;
  } catch {
    return false;
  }
}
