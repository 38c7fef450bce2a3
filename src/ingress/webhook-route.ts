import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { eventIdOf } from '../rentprog/webhooks/event-id.js';
import { normalizeEvent } from '../rentprog/webhooks/normalize-event.js';
import { parseWebhookBody, rentprogIdOf } from '../rentprog/webhooks/parse-webhook.js';
import type { RentProgEvent } from '../rentprog/webhooks/webhook-event.js';
import type { QuarantineInput } from '../workflows/quarantine-types.js';
import type { QuarantineBodies } from './quarantine-bodies.js';
import { TemporalRefusedError, TemporalUnavailableError } from './start-errors.js';
import { entryWorkflowId, type EventSink, type StartResult, startEntry } from './start-workflows.js';
import { type Spool, type SpoolEntry, SpoolFullError } from './spool.js';
import type { TemporalBreaker } from './temporal-breaker.js';
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
  /** Where the raw bodies of quarantined webhooks are kept (the workflow gets a reference). */
  quarantineBodies: QuarantineBodies;
  /** A repeat of the same webhook within this long is answered as a duplicate. */
  dedupWindowMs: number;
  observe?: (outcome: WebhookOutcome) => void;
  /** Where webhooks wait while Temporal is away; without one they are answered 503. */
  spool?: Spool;
  /** Open while Temporal is away: webhooks go to the spool at once. */
  breaker?: TemporalBreaker;
}

/** Seconds RentProg (or a proxy) should wait before retrying when nothing could hold the webhook. */
const RETRY_AFTER_SECONDS = 5;
/**
 * Temporal refuses payloads over 2 MB; an event input is a few hundred bytes, so anything
 * near this cap is not a real change and goes to quarantine instead.
 */
export const MAX_EVENT_INPUT_BYTES = 256 * 1024;

type Log = (
  status: number,
  fields?: { event?: string; duplicate?: boolean } & Record<string, unknown>,
) => void;

/** The webhook's answer and log line, timed from its arrival. */
function outcomeLog(deps: Pick<WebhookRouteDeps, 'logger' | 'observe'>, branch: string): Log {
  const t0 = performance.now();
  return (status, fields = {}) => {
    const ms = Math.round(performance.now() - t0);
    deps.logger.info({ branch, status, ms, ...fields }, 'webhook');
    deps.observe?.({ branch, status, type: fields.event, duplicate: fields.duplicate, ms });
  };
}

/**
 * Runs on every method before the body is read: an unknown branch is 404, a wrong `?t=`
 * is 401 at once (a caller without the secret cannot make us buffer a megabyte), and a
 * method other than POST is 405 once authenticated, like the original's `curl ?t=` check.
 */
export function webhookGate(deps: Pick<WebhookRouteDeps, 'webhookSecrets' | 'logger' | 'observe'>) {
  return (req: Request<{ branch: string }>, res: Response, next: NextFunction): void => {
    const branch = req.params.branch;
    const log = outcomeLog(deps, branch);
    const secrets = secretsOf(deps.webhookSecrets, branch);
    if (!secrets) {
      // The same answer for every unknown name, so it gives away no branch names.
      log(404);
      res.status(404).json({ ok: false, error: 'not found' });
      return;
    }
    const querySecret = typeof req.query.t === 'string' ? req.query.t : undefined;
    const byQuery =
      querySecret !== undefined && isAuthentic({ querySecret, rawBody: Buffer.alloc(0) }, secrets);
    if ((querySecret !== undefined || req.method !== 'POST') && !byQuery) {
      log(401);
      res.status(401).json({ ok: false, error: 'missing or wrong webhook secret or signature' });
      return;
    }
    if (req.method !== 'POST') {
      log(405);
      res.status(405).set('Allow', 'POST').json({ ok: false, error: 'webhooks are POSTed' });
      return;
    }
    res.locals.authenticated = byQuery;
    next();
  };
}

/**
 * `POST /webhooks/rentprog/:branch`, after `webhookGate`: authenticate by signature if the
 * query did not, parse, normalize, and answer 200 only once Temporal holds the event (a
 * repeat within the dedup window is a 200 duplicate). While Temporal is away the webhook
 * is spooled and answered 202. An authentic body we cannot read, or one too large for a
 * workflow input, is answered 400 and kept as a quarantine workflow.
 */
export function webhookRoute(deps: WebhookRouteDeps) {
  return async (req: Request<{ branch: string }>, res: Response): Promise<void> => {
    const t0 = performance.now();
    const branch = req.params.branch;
    const log = outcomeLog(deps, branch);
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.get(deps.signatureHeader);
    if (
      res.locals.authenticated !== true &&
      !isAuthentic({ signature, rawBody }, secretsOf(deps.webhookSecrets, branch)!)
    ) {
      log(401);
      res.status(401).json({ ok: false, error: 'missing or wrong webhook secret or signature' });
      return;
    }

    const receivedAt = new Date().toISOString();
    const contentType = req.get('content-type') ?? '';
    // Undefined when the body cannot be kept: then nothing may be acknowledged.
    const quarantine = async (reason: string): Promise<SpoolEntry | undefined> => {
      try {
        const input = await keepBody(deps, { branch, reason, receivedAt, contentType, rawBody });
        return { kind: 'quarantine', spooledAt: receivedAt, input };
      } catch (err) {
        deps.logger.error({ branch, err: messageOf(err) }, 'quarantine: cannot keep the body');
        return undefined;
      }
    };

    let entry: SpoolEntry | undefined;
    const parsed = parseWebhookBody(rawBody, contentType);
    if (!parsed.ok) {
      entry = await quarantine(parsed.error);
    } else {
      const event: RentProgEvent = {
        eventId: eventIdOf(branch, parsed.event, parsed.payload),
        ...normalizeEvent(branch, parsed, rentprogIdOf(parsed.payload)!, receivedAt),
        dedupWindowMs: deps.dedupWindowMs,
      };
      const bytes = Buffer.byteLength(JSON.stringify(event));
      entry =
        bytes > MAX_EVENT_INPUT_BYTES
          ? await quarantine(`event input of ${bytes} bytes is over the ${MAX_EVENT_INPUT_BYTES}-byte cap`)
          : { kind: 'event', spooledAt: receivedAt, input: event };
    }
    if (!entry) return tryLater(res, log);

    let placed: Placed;
    try {
      placed = await place(deps, entry);
    } catch (err) {
      if (!(err instanceof TemporalRefusedError)) throw err;
      placed = { kind: 'refused', err };
      if (err.inputRefused && entry.kind === 'event') {
        entry = await quarantine(`Temporal refused the event: ${err.message}`);
        if (!entry) return tryLater(res, log);
        placed = await place(deps, entry).catch((again: unknown) => {
          if (!(again instanceof TemporalRefusedError)) throw again;
          return { kind: 'refused', err: again } as const;
        });
      }
    }
    if (placed.kind === 'no room') return tryLater(res, log);
    if (placed.kind === 'refused') {
      deps.logger.error(
        { branch, err: placed.err.message },
        'temporal refused the workflow start: check TEMPORAL_NAMESPACE, the search attributes and permissions',
      );
      log(500);
      res.status(500).json({ ok: false, error: 'Temporal refused the workflow start; see the ingress log' });
      return;
    }

    const spooled = placed.kind === 'spooled';
    const duplicate = placed.kind === 'started' && placed.duplicate;
    const extra = spooled ? { spooled: true } : {};
    if (entry.kind === 'quarantine') {
      const error = entry.input.reason;
      log(400, { error, quarantine: placed.workflowId, ...extra });
      res.status(400).json({ ok: false, error, quarantined: true, workflowId: placed.workflowId, ...extra });
      return;
    }
    const { eventId, type } = entry.input;
    const status = spooled ? 202 : 200;
    log(status, { event: type, eventId, duplicate, ...extra });
    res.status(status).json({
      ok: true,
      queued: true,
      ...extra,
      duplicate,
      eventId,
      workflowId: placed.workflowId,
      syncMs: Math.round(performance.now() - t0),
    });
  };
}

type Placed =
  | ({ kind: 'started' } & StartResult)
  | { kind: 'spooled'; workflowId: string }
  | { kind: 'no room' }
  | { kind: 'refused'; err: TemporalRefusedError };

/**
 * Starts the entry's workflow, or spools it when Temporal is away (at once while the
 * breaker is open). Throws TemporalRefusedError when Temporal refused the start for good.
 */
async function place(deps: WebhookRouteDeps, entry: SpoolEntry): Promise<Placed> {
  if (!deps.breaker?.spoolsAtOnce()) {
    try {
      const result = await startEntry(deps.sink, entry);
      return { kind: 'started', ...result };
    } catch (err) {
      if (!(err instanceof TemporalUnavailableError)) throw err;
      deps.logger.warn({ err: err.message }, 'temporal unavailable');
      deps.breaker?.trip(err.message);
    }
  }
  if (!deps.spool) return { kind: 'no room' };
  try {
    await deps.spool.append(entry);
  } catch (err) {
    const full = err instanceof SpoolFullError;
    deps.logger[full ? 'warn' : 'error'](
      { err: messageOf(err) },
      full ? 'spool: full' : 'spool: cannot write',
    );
    return { kind: 'no room' };
  }
  return { kind: 'spooled', workflowId: entryWorkflowId(entry) };
}

async function keepBody(
  deps: WebhookRouteDeps,
  body: { branch: string; reason: string; receivedAt: string; contentType: string; rawBody: Buffer },
): Promise<QuarantineInput> {
  const bodySha256 = createHash('sha256').update(body.rawBody).digest('hex');
  const bodyRef = await deps.quarantineBodies.put({
    sha256: bodySha256,
    branch: body.branch,
    contentType: body.contentType,
    body: body.rawBody,
    receivedAt: body.receivedAt,
  });
  return {
    branch: body.branch,
    reason: body.reason,
    receivedAt: body.receivedAt,
    contentType: body.contentType.slice(0, 200),
    bodySha256,
    bytes: body.rawBody.length,
    bodyRef,
  };
}

function tryLater(res: Response, log: Log): void {
  log(503);
  res
    .status(503)
    .set('Retry-After', String(RETRY_AFTER_SECONDS))
    .json({ ok: false, error: 'try again later' });
}

function secretsOf(webhookSecrets: Record<string, string[]>, branch: string): string[] | undefined {
  return Object.hasOwn(webhookSecrets, branch) ? webhookSecrets[branch] : undefined;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
