import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../harness/ports.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookBody } from '../../src/simulator/webhook-sender.js';
import { startIngress } from '../helpers/ingress.js';
import { captureLogs } from '../helpers/log-capture.js';

describe('ingress while Temporal is away', () => {
  const secret = 'down-test-secret-value';
  const logs = captureLogs();
  let connection: Connection;
  let ingress: Awaited<ReturnType<typeof startIngress>>;

  beforeAll(async () => {
    // A port that answered nobody a moment ago: Temporal is "stopped".
    connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    ingress = await startIngress({
      client: new Client({ connection }),
      taskQueue: 'unused',
      webhookSecrets: { tbilisi: [secret] },
      logger: logs.logger,
      deadlineMs: 1000,
    });
  });
  afterAll(async () => {
    await ingress?.close();
    await connection?.close();
    expect(logs.lines.join('\n')).not.toContain(secret);
  });

  it('answers 503 with Retry-After, never 200, and /readyz says not ready', async () => {
    const body = webhookBody('booking_update', { state: ['Новая', 'Активная'], id: 900001 });
    const response = await ingress.post(`/webhooks/rentprog/tbilisi?t=${secret}`, body);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({ ok: false, error: 'try again later' });

    const unreadable = await ingress.post(`/webhooks/rentprog/tbilisi?t=${secret}`, '{"event":');
    expect(unreadable.status).toBe(503);

    const ready = await fetch(`${ingress.url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${ingress.url}/healthz`)).status).toBe(200);
  });
});
