import type http from 'node:http';
import { z } from 'zod';
import type { Simulator } from './simulator.js';
import { send } from './simulator.js';

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

/**
 * The control API over HTTP, for the CLI and the demo (tests call the Simulator directly):
 * `POST /_control/{update,create,archive,destroy,poison,fault,clear-faults,expire-tokens,reset-counters}`,
 * `GET /_control/{counters,poisoned}`. `poison` without `fields` sets the kind's POISON.
 */
export async function handleControl(
  sim: Simulator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
) {
  const action = url.pathname.slice('/_control/'.length);
  try {
    if (req.method === 'GET' && action === 'counters') return send(res, 200, sim.requests.counters());
    if (req.method === 'GET' && action === 'poisoned') return send(res, 200, sim.poisoned);
    if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
    const body = await readJson(req);
    switch (action) {
      case 'update': {
        const c = commands.update.parse(body);
        return send(res, 200, await sim.update(c.kind, c.branch, c.id, c.changes, c.webhook));
      }
      case 'create': {
        const c = commands.create.parse(body);
        return send(res, 200, await sim.create(c.kind, c.branch, c.fields, c.webhook));
      }
      case 'archive': {
        const c = commands.archive.parse(body);
        return send(res, 200, await sim.archiveBooking(c.branch, c.id, c.webhook));
      }
      case 'destroy': {
        const c = commands.destroy.parse(body);
        return send(res, 200, await sim.destroy(c.kind, c.branch, c.id, c.webhook));
      }
      case 'poison': {
        const c = commands.poison.parse(body);
        return send(res, 200, sim.poison(c.kind, c.branch, c.id, c.fields));
      }
      case 'fault': {
        const c = commands.fault.parse(body);
        sim.setFault(c.route, c.fault);
        return send(res, 200, { ok: true });
      }
      case 'clear-faults':
        sim.faults.clear();
        return send(res, 200, { ok: true });
      case 'expire-tokens':
        sim.expireTokens();
        return send(res, 200, { ok: true });
      case 'reset-counters':
        sim.requests.reset();
        return send(res, 200, { ok: true });
      default:
        return send(res, 404, { error: `no control action "${action}"` });
    }
  } catch (err) {
    return send(res, 400, { error: err instanceof Error ? err.message : String(err) });
  }
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}
