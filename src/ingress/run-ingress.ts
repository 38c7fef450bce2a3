import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { Metrics } from '../metrics/metrics.js';
import type { Queryable } from '../store/db.js';
import { serviceClient } from '../temporal/data-converter.js';
import type { IngressDeps } from './app.js';
import { serveIngress } from './serve-ingress.js';
import { ingressConnection } from './temporal-connection.js';
import { webhookUrls } from './webhook-urls.js';

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
  /** A database this process already has, for the ingress's incidents (see ServeOptions). */
  db?: Queryable,
): Promise<void> {
  const connection = ingressConnection(config.temporal.address);
  const client = serviceClient(connection, config.temporal);
  const ingress = await serveIngress({ config, client, logger, metrics, telegramWebhook, db });
  logger.info({ port: config.http.port }, 'ingress listening');
  for (const { branch, url } of webhookUrls(config)) logger.info({ branch, url }, 'webhook URL');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await ingress.stop();
  await connection.close();
  logger.info('ingress stopped');
}
