import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngressApp } from '../../src/ingress/app.js';
import type { EventSink } from '../../src/ingress/start-workflows.js';
import { Random, seededRandom } from '../../src/simulator/random.js';
import { hostileRequest } from '../../harness/hostile-request.js';
import { scratchQuarantineBodies } from '../helpers/ingress.js';

const SECRET = 'fuzz-secret-0123456789';
// The drill (drills/fuzz-memory.ts) sends 10,000 and watches memory; here a thousand keep the suite quick.
const REQUESTS = 1000;

describe(`${REQUESTS} hostile requests against the ingress`, () => {
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
      dedupWindowMs: 60_000,
      quarantineBodies: scratchQuarantineBodies(),
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
        while (next < REQUESTS) {
          const { path, body, headers } = hostileRequest(r, next++, SECRET);
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
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(REQUESTS);
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);
});
