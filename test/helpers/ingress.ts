import type { Client } from '@temporalio/client';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { createIngressApp, type IngressDeps } from '../../src/ingress/app.js';
import { FileQuarantineBodies, type QuarantineBodies } from '../../src/ingress/quarantine-bodies.js';
import { listen, temporalReachable } from '../../src/ingress/serve-ingress.js';
import type { Spool } from '../../src/ingress/spool.js';
import type { EventSink } from '../../src/ingress/start-workflows.js';
import type { TemporalBreaker } from '../../src/ingress/temporal-breaker.js';
import type { Metrics } from '../../src/metrics/metrics.js';

/** Quarantined bodies in a fresh temporary directory, for tests that do not look at them. */
export const scratchQuarantineBodies = (): QuarantineBodies =>
  new FileQuarantineBodies(path.join(mkdtempSync(path.join(os.tmpdir(), 'rentprog-bodies-')), 'quarantine'));

/** The real ingress app on a loopback port, with the service's server limits. */
export async function startIngress(options: {
  client: Client;
  taskQueue: string;
  webhookSecrets: Record<string, string[]>;
  logger: Logger;
  deadlineMs?: number;
  /** Default one minute: long enough for every repeat a test sends to be a duplicate. */
  dedupWindowMs?: number;
  spool?: Spool;
  quarantineBodies?: QuarantineBodies;
  breaker?: TemporalBreaker;
  /** Replaces Temporal as the destination, for tests of the ingress's own decisions. */
  sink?: EventSink;
  metrics?: Metrics;
  telegramWebhook?: IngressDeps['telegramWebhook'];
}) {
  const app = createIngressApp({
    webhookSecrets: options.webhookSecrets,
    signatureHeader: 'X-Rentprog-Signature',
    starter: { client: options.client, taskQueue: options.taskQueue, deadlineMs: options.deadlineMs ?? 5000 },
    dedupWindowMs: options.dedupWindowMs ?? 60_000,
    quarantineBodies: options.quarantineBodies ?? scratchQuarantineBodies(),
    breaker: options.breaker,
    sink: options.sink,
    logger: options.logger,
    spool: options.spool,
    metrics: options.metrics,
    telegramWebhook: options.telegramWebhook,
    isTemporalReachable: () => temporalReachable(options.client),
  });
  const server = await listen(app, 0, '127.0.0.1');
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
