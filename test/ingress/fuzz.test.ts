import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngressApp } from '../../src/ingress/app.js';
import type { EventSink } from '../../src/ingress/start-workflows.js';
import { signBody } from '../../src/ingress/webhook-auth.js';
import { Random, seededRandom } from '../../src/simulator/random.js';
import { rubyInspect } from '../../src/simulator/ruby-inspect.js';

const SECRET = 'fuzz-secret-0123456789';
const CONTENT_TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/octet-stream',
  '',
];

/** One hostile request: random bytes, deep nesting, huge strings, wrong types, bad auth. */
function hostileRequest(
  r: Random,
  i: number,
): { path: string; body: Buffer; headers: Record<string, string> } {
  const kind = r.int(0, 7);
  let body: Buffer;
  switch (kind) {
    case 0:
      body = Buffer.from(Array.from({ length: r.int(0, 2000) }, () => r.int(0, 255)));
      break;
    case 1:
      body = Buffer.from(`{"event":"booking_update","payload":${'['.repeat(r.int(10, 20_000))}1`);
      break;
    case 2:
      body = Buffer.from(`{"event":"booking_update","payload":"${'{"a"=>'.repeat(r.int(10, 5000))}1"}`);
      break;
    case 3:
      body = Buffer.from(
        JSON.stringify({ event: 'booking_update', payload: 'x'.repeat(r.int(1000, 1_100_000)) }),
      );
      break;
    case 4: {
      const junk = Array.from({ length: r.int(1, 200) }, () => String.fromCharCode(r.int(0, 0xffff))).join(
        '',
      );
      body = Buffer.from(JSON.stringify({ event: junk.slice(0, 10), payload: junk }));
      break;
    }
    case 5:
      body = Buffer.from(
        JSON.stringify({
          event: 'client_create',
          payload: rubyInspect({ __proto__: 1, id: i, constructor: { prototype: 2 } }),
        }),
      );
      break;
    default:
      body = Buffer.from(JSON.stringify({ event: 'booking_update', payload: { id: i, state: ['a', 'b'] } }));
  }
  const auth = r.int(0, 4);
  const path =
    auth === 0
      ? `/webhooks/rentprog/tbilisi?t=${SECRET}`
      : auth === 1
        ? '/webhooks/rentprog/tbilisi?t=wrong'
        : auth === 2
          ? `/webhooks/rentprog/${r.pick(['x', '__proto__', 'constructor', '%00', 'a'.repeat(300)])}?t=${SECRET}`
          : '/webhooks/rentprog/tbilisi';
  const headers: Record<string, string> = {};
  const type = r.pick(CONTENT_TYPES);
  if (type) headers['content-type'] = type;
  if (auth === 3)
    headers['x-rentprog-signature'] = r.chance(0.5) ? signBody(body, SECRET) : 'sha256=deadbeef';
  return { path, body, headers };
}

describe('10,000 hostile requests against the ingress', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const sink: EventSink = {
      startEvent: (event) => Promise.resolve({ workflowId: event.eventId, duplicate: false }),
      startQuarantine: (input) => Promise.resolve({ workflowId: input.bodySha256, duplicate: false }),
    };
    const app = createIngressApp({
      webhookSecrets: { tbilisi: [SECRET] },
      signatureHeader: 'X-Rentprog-Signature',
      starter: { client: undefined as never, taskQueue: 'unused', deadlineMs: 1000 },
      sink,
      logger: pino({ level: 'silent' }),
      isTemporalReachable: () => Promise.resolve(true),
    });
    server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers every one with 200, 400, 401, 404 or 413: never a 5xx, never a crash', async () => {
    const r = new Random(seededRandom(20261125));
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < 10_000) {
          const { path, body, headers } = hostileRequest(r, next++);
          const response = await fetch(`${url}${path}`, {
            method: 'POST',
            headers,
            body: new Uint8Array(body),
          });
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      }),
    );
    expect([...statuses.keys()].every((status) => [200, 400, 401, 404, 413].includes(status))).toBe(true);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);
});
