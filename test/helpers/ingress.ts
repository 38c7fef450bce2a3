import type { Client } from '@temporalio/client';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createIngressApp, type IngressDeps } from '../../src/ingress/app.js';
import { temporalReachable } from '../../src/ingress/serve-ingress.js';
import type { Spool } from '../../src/ingress/spool.js';
import type { Metrics } from '../../src/metrics/metrics.js';

/** The real ingress app on a loopback port. */
export async function startIngress(options: {
  client: Client;
  taskQueue: string;
  webhookSecrets: Record<string, string[]>;
  logger: Logger;
  deadlineMs?: number;
  spool?: Spool;
  metrics?: Metrics;
  telegramWebhook?: IngressDeps['telegramWebhook'];
}) {
  const app = createIngressApp({
    webhookSecrets: options.webhookSecrets,
    signatureHeader: 'X-Rentprog-Signature',
    starter: { client: options.client, taskQueue: options.taskQueue, deadlineMs: options.deadlineMs ?? 5000 },
    logger: options.logger,
    spool: options.spool,
    metrics: options.metrics,
    telegramWebhook: options.telegramWebhook,
    isTemporalReachable: () => temporalReachable(options.client),
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => new Promise((resolve) => server.close(resolve)),
    post: (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      }),
  };
}
