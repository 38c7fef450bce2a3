import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { SimEntity } from './dataset.js';
import type { Fault, FaultTable } from './faults.js';
import { sendJson } from './json-reply.js';
import type { RequestLog } from './request-log.js';
import type { WebhookOptions } from './webhook-sender.js';

const kind = z.enum(['car', 'client', 'booking']);
const webhook = z
  .object({
    format: z.enum(['ruby', 'ruby34', 'json-string', 'object']).optional(),
    duplicate: z.boolean().optional(),
    htmlEscape: z.boolean().optional(),
  })
  .optional();

const commands = {
  update: z.object({
    kind,
    branch: z.string(),
    id: z.number().int(),
    changes: z.record(z.string(), z.unknown()),
    webhook,
  }),
  create: z.object({
    kind,
    branch: z.string(),
    fields: z.record(z.string(), z.unknown()).optional(),
    webhook,
  }),
  archive: z.object({ branch: z.string(), id: z.number().int(), webhook }),
  destroy: z.object({ kind, branch: z.string(), id: z.number().int(), webhook }),
  poison: z.object({
    kind,
    branch: z.string(),
    id: z.number().int(),
    fields: z.record(z.string(), z.unknown()).optional(),
  }),
  fault: z.object({ route: z.string(), fault: z.record(z.string(), z.unknown()) }),
};

/** What the control API drives: the Simulator, seen through the calls it makes. */
export interface SimulatorControls {
  update(
    kind: SimEntity,
    branch: string,
    id: number,
    changes: Record<string, unknown>,
    webhook?: WebhookOptions,
  ): Promise<unknown>;
  create(
    kind: SimEntity,
    branch: string,
    fields?: Record<string, unknown>,
    webhook?: WebhookOptions,
  ): Promise<unknown>;
  archiveBooking(branch: string, id: number, webhook?: WebhookOptions): Promise<unknown>;
  destroy(kind: SimEntity, branch: string, id: number, webhook?: WebhookOptions): Promise<unknown>;
  poison(kind: SimEntity, branch: string, id: number, fields?: Record<string, unknown>): unknown;
  setFault(route: string, fault: Fault): void;
  expireTokens(): void;
  readonly faults: Pick<FaultTable, 'clear'>;
  readonly requests: Pick<RequestLog, 'counters' | 'reset'>;
  readonly poisoned: readonly unknown[];
}

/**
 * The control API over HTTP, for the CLI and the demo (tests call the Simulator directly):
 * `POST /_control/{update,create,archive,destroy,poison,fault,clear-faults,expire-tokens,reset-counters}`,
 * `GET /_control/{counters,poisoned}`. `poison` without `fields` sets the kind's POISON.
 * Answers are JSON; a body that does not parse or fit is a 400 with the reason.
 */
export function controlRouter(sim: SimulatorControls): Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  const post = <T>(action: string, schema: z.ZodType<T>, run: (command: T) => unknown) =>
    router.post(`/${action}`, async (req, res) => sendJson(res, 200, await run(schema.parse(req.body))));
  const ok = { ok: true };

  // Any body, whatever its Content-Type says; an empty one is `{}`.
  router.use((req, res, next) => (req.method === 'POST' ? jsonBody(req, res, next) : next()));
  router.get('/counters', (_req, res) => sendJson(res, 200, sim.requests.counters()));
  router.get('/poisoned', (_req, res) => sendJson(res, 200, sim.poisoned));
  post('update', commands.update, (c) => sim.update(c.kind, c.branch, c.id, c.changes, c.webhook));
  post('create', commands.create, (c) => sim.create(c.kind, c.branch, c.fields, c.webhook));
  post('archive', commands.archive, (c) => sim.archiveBooking(c.branch, c.id, c.webhook));
  post('destroy', commands.destroy, (c) => sim.destroy(c.kind, c.branch, c.id, c.webhook));
  post('poison', commands.poison, (c) => sim.poison(c.kind, c.branch, c.id, c.fields));
  post('fault', commands.fault, (c) => {
    sim.setFault(c.route, c.fault);
    return ok;
  });
  post('clear-faults', z.unknown(), () => {
    sim.faults.clear();
    return ok;
  });
  post('expire-tokens', z.unknown(), () => {
    sim.expireTokens();
    return ok;
  });
  post('reset-counters', z.unknown(), () => {
    sim.requests.reset();
    return ok;
  });
  router.use((req, res) =>
    req.method === 'POST'
      ? sendJson(res, 404, { error: `no control action "${req.path.slice(1)}"` })
      : sendJson(res, 405, { error: 'POST only' }),
  );
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) =>
    sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) }),
  );
  return router;
}

const jsonBody = express.json({ type: () => true, strict: false, limit: '10mb' });
