import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.js';
import { constantTimeEqual } from './constant-time.js';
import { type EventSink, type Starter, temporalSink } from './start-workflows.js';
import type { TemporalBreaker } from './temporal-breaker.js';
import { webhookGate, webhookRoute, type WebhookRouteDeps } from './webhook-route.js';

export interface IngressDeps extends Omit<WebhookRouteDeps, 'sink'> {
  starter: Starter;
  /** Replaces Temporal as the destination of accepted webhooks (benchmark baselines only). */
  sink?: EventSink;
  logger: Logger;
  /** Served at `/metrics`; webhook outcomes are counted into it. */
  metrics?: Metrics;
  /** The bot in webhook mode: updates arrive at `path`, carrying Telegram's secret token. */
  telegramWebhook?: { path: string; secretToken: string; handler: RequestHandler };
  breaker?: TemporalBreaker;
  /** Whether Temporal answers now; `/readyz` reports it. */
  isTemporalReachable: () => Promise<boolean>;
}

export const MAX_BODY_BYTES = 1024 * 1024;

/** The HTTP ingress: the webhook route plus health and readiness. */
export function createIngressApp(deps: IngressDeps): express.Express {
  const app = express();
  const { metrics } = deps;
  const known = new Set(Object.keys(deps.webhookSecrets));
  const routeDeps: WebhookRouteDeps = {
    ...deps,
    sink: deps.sink ?? temporalSink(deps.starter),
    observe: (outcome) => {
      // Unknown branch names are whatever a caller typed: keep them out of metric labels.
      metrics?.webhook({ ...outcome, branch: known.has(outcome.branch) ? outcome.branch : 'unknown' });
      deps.observe?.(outcome);
    },
  };
  if (metrics && deps.spool) metrics.trackSpool(deps.spool);
  app.disable('x-powered-by');
  // No answer here is ever revalidated, and an ETag costs every webhook a SHA-1 of its answer.
  app.set('etag', false);
  app.set('query parser', 'simple');

  // The raw bytes are kept for signatures and quarantine: parsing happens after auth, and
  // a secret in the query is checked before the body is read at all.
  app.all(
    '/webhooks/rentprog/:branch',
    webhookGate(routeDeps),
    express.raw({ type: () => true, limit: MAX_BODY_BYTES }),
    (req: Request<{ branch: string }>, res: Response, next: NextFunction) => {
      webhookRoute(routeDeps)(req, res).catch(next);
    },
  );
  const telegram = deps.telegramWebhook;
  if (telegram) {
    app.post(
      telegram.path,
      (req, res, next) => {
        const token = req.get('X-Telegram-Bot-Api-Secret-Token') ?? '';
        if (constantTimeEqual(token, telegram.secretToken)) return next();
        res.status(401).json({ ok: false, error: 'wrong secret token' });
      },
      express.json({ limit: MAX_BODY_BYTES }),
      telegram.handler,
    );
  }
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.get('/metrics', (_req, res, next) => {
    if (!metrics) return void res.status(404).json({ ok: false, error: 'metrics are off' });
    metrics.registry
      .metrics()
      .then((text) => void res.type(metrics.registry.contentType).send(text))
      .catch(next);
  });
  // Not ready while Temporal is away (webhooks are then only spooled); the spool depth
  // tells how much is waiting for the relay.
  app.get('/readyz', (_req, res, next) => {
    deps
      .isTemporalReachable()
      .then((temporal) => {
        const spool = deps.spool ? { spoolDepth: deps.spool.depth() } : {};
        const breaker = deps.breaker ? { spoolingAtOnce: deps.breaker.spoolsAtOnce() } : {};
        res.status(temporal ? 200 : 503).json({ ok: temporal, temporal, ...spool, ...breaker });
      })
      .catch(next);
  });
  app.use((_req: Request, res: Response) => void res.status(404).json({ ok: false, error: 'not found' }));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(err);
    if (status >= 500)
      deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'ingress error');
    res
      .status(status)
      .json({ ok: false, error: status === 413 ? 'body larger than 1 MiB' : 'request failed' });
  });
  return app;
}

/** body-parser marks its errors (too large, aborted) with an HTTP status. */
function httpStatusOf(err: unknown): number {
  const status = (err as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
