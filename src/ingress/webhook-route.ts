import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { eventIdOf } from '../rentprog/event-id.js';
import { normalizeEvent } from '../rentprog/normalize-event.js';
import { parseWebhookBody, rentprogIdOf } from '../rentprog/parse-webhook.js';
import type { RentProgEvent } from '../rentprog/webhook-event.js';
import {
  eventWorkflowId,
  quarantineWorkflowId,
  type EventSink,
  TemporalUnavailableError,
} from './start-workflows.js';
import type { Spool, SpoolEntry } from './spool.js';
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
  sink: EventSink;
  logger: Logger;
  observe?: (outcome: WebhookOutcome) => void;
  /** Where webhooks wait while Temporal is away; without one they are answered 503. */
  spool?: Spool;
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
    const t0 = performance.now();
    const branch = req.params.branch;
    const log = (
      status: number,
      fields: { event?: string; duplicate?: boolean } & Record<string, unknown>,
    ) => {
      const ms = Math.round(performance.now() - t0);
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
    let entry: SpoolEntry;
    if (!parsed.ok) {
      entry = {
        kind: 'quarantine',
        spooledAt: receivedAt,
        input: {
          branch,
          reason: parsed.error,
          receivedAt,
          contentType: req.get('content-type') ?? '',
          ...encodeBody(rawBody),
          bodySha256: createHash('sha256').update(rawBody).digest('hex'),
        },
      };
    } else {
      const event: RentProgEvent = {
        eventId: eventIdOf(branch, parsed.event, parsed.payload),
        ...normalizeEvent(branch, parsed, rentprogIdOf(parsed.payload)!, receivedAt),
      };
      entry = { kind: 'event', spooledAt: receivedAt, input: event };
    }

    let started: { workflowId: string; duplicate: boolean; spooled: boolean };
    try {
      const result =
        entry.kind === 'event'
          ? await deps.sink.startEvent(entry.input)
          : await deps.sink.startQuarantine(entry.input);
      started = { ...result, spooled: false };
    } catch (err) {
      if (!(err instanceof TemporalUnavailableError)) throw err;
      deps.logger.warn({ branch, err: err.message }, 'temporal unavailable');
      const spooled = await spoolOrFail(deps, entry);
      if (!spooled) {
        log(503, {});
        res
          .status(503)
          .set('Retry-After', String(RETRY_AFTER_SECONDS))
          .json({ ok: false, error: 'try again later' });
        return;
      }
      started = { workflowId: spooled, duplicate: false, spooled: true };
    }

    const extra = started.spooled ? { spooled: true } : {};
    if (entry.kind === 'quarantine') {
      const error = entry.input.reason;
      log(400, { error, quarantine: started.workflowId, ...extra });
      res.status(400).json({ ok: false, error, quarantined: true, workflowId: started.workflowId, ...extra });
      return;
    }
    const { eventId, type } = entry.input;
    const syncMs = Math.round(performance.now() - t0);
    log(started.spooled ? 202 : 200, { event: type, eventId, duplicate: started.duplicate, ...extra });
    res.status(started.spooled ? 202 : 200).json({
      ok: true,
      queued: true,
      ...extra,
      duplicate: started.duplicate,
      eventId,
      workflowId: started.workflowId,
      syncMs,
    });
  };
}

/** Appends to the spool; returns the workflow id it will get, or undefined if nothing could hold it. */
async function spoolOrFail(deps: WebhookRouteDeps, entry: SpoolEntry): Promise<string | undefined> {
  if (!deps.spool) return undefined;
  try {
    await deps.spool.append(entry);
  } catch (err) {
    deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'spool: cannot write');
    return undefined;
  }
  return entry.kind === 'event' ? eventWorkflowId(entry.input) : quarantineWorkflowId(entry.input);
}

function encodeBody(rawBody: Buffer): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(rawBody), bodyEncoding: 'utf8' };
  } catch {
    return { body: rawBody.toString('base64'), bodyEncoding: 'base64' };
  }
}
