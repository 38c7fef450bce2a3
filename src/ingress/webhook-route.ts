import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { eventIdOf } from '../rentprog/event-id.js';
import { normalizeEvent } from '../rentprog/normalize-event.js';
import { parseWebhookBody, rentprogIdOf } from '../rentprog/parse-webhook.js';
import type { RentProgEvent } from '../rentprog/webhook-event.js';
import {
  type Starter,
  startEventWorkflow,
  startQuarantineWorkflow,
  TemporalUnavailableError,
} from './start-workflows.js';
import { isAuthentic } from './webhook-auth.js';

/** What happened to one webhook, for metrics and the demo's summary. */
export interface WebhookOutcome {
  branch: string;
  status: number;
  type?: string;
  duplicate?: boolean;
  ms: number;
}

export interface WebhookRouteDeps {
  /** Accepted secrets per branch; a branch absent here does not exist. */
  webhookSecrets: Record<string, string[]>;
  signatureHeader: string;
  starter: Starter;
  logger: Logger;
  observe?: (outcome: WebhookOutcome) => void;
}

/** Seconds RentProg (or a proxy) should wait before retrying when Temporal is away. */
const RETRY_AFTER_SECONDS = 5;

/**
 * `POST /webhooks/rentprog/:branch`: authenticate before parsing, parse, normalize, and
 * answer 200 only once Temporal holds the event (a repeat is a 200 duplicate). An
 * authentic body we cannot read is answered 400 and kept as a quarantine workflow.
 */
export function webhookRoute(deps: WebhookRouteDeps) {
  return async (req: Request<{ branch: string }>, res: Response): Promise<void> => {
    const started = performance.now();
    const branch = req.params.branch;
    const log = (
      status: number,
      fields: { event?: string; duplicate?: boolean } & Record<string, unknown>,
    ) => {
      const ms = Math.round(performance.now() - started);
      deps.logger.info({ branch, status, ms, ...fields }, 'webhook');
      deps.observe?.({ branch, status, type: fields.event, duplicate: fields.duplicate, ms });
    };
    const secrets = Object.hasOwn(deps.webhookSecrets, branch) ? deps.webhookSecrets[branch] : undefined;
    if (!secrets) {
      // The same answer for every unknown name, so it gives away no branch names.
      log(404, {});
      res.status(404).json({ ok: false, error: 'not found' });
      return;
    }
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const querySecret = typeof req.query.t === 'string' ? req.query.t : undefined;
    const signature = req.get(deps.signatureHeader);
    if (!isAuthentic({ querySecret, signature, rawBody }, secrets)) {
      log(401, {});
      res.status(401).json({ ok: false, error: 'missing or wrong webhook secret or signature' });
      return;
    }

    const receivedAt = new Date().toISOString();
    const parsed = parseWebhookBody(rawBody, req.get('content-type'));
    try {
      if (!parsed.ok) {
        const quarantined = await startQuarantineWorkflow(deps.starter, {
          branch,
          reason: parsed.error,
          receivedAt,
          contentType: req.get('content-type') ?? '',
          ...encodeBody(rawBody),
          bodySha256: createHash('sha256').update(rawBody).digest('hex'),
        });
        log(400, { error: parsed.error, quarantine: quarantined.workflowId });
        res
          .status(400)
          .json({ ok: false, error: parsed.error, quarantined: true, workflowId: quarantined.workflowId });
        return;
      }
      const event: RentProgEvent = {
        eventId: eventIdOf(branch, parsed.event, parsed.payload),
        ...normalizeEvent(branch, parsed, rentprogIdOf(parsed.payload)!, receivedAt),
      };
      const { workflowId, duplicate } = await startEventWorkflow(deps.starter, event);
      const syncMs = Math.round(performance.now() - started);
      log(200, { event: event.type, eventId: event.eventId, duplicate });
      res.status(200).json({ ok: true, queued: true, duplicate, eventId: event.eventId, workflowId, syncMs });
    } catch (err) {
      if (!(err instanceof TemporalUnavailableError)) throw err;
      deps.logger.warn({ branch, err: err.message }, 'temporal unavailable');
      log(503, {});
      res
        .status(503)
        .set('Retry-After', String(RETRY_AFTER_SECONDS))
        .json({ ok: false, error: 'try again later' });
    }
  };
}

function encodeBody(rawBody: Buffer): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(rawBody), bodyEncoding: 'utf8' };
  } catch {
    return { body: rawBody.toString('base64'), bodyEncoding: 'base64' };
  }
}
