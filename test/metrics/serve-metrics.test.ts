import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/metrics.js';
import { type MetricsServer, serveMetrics } from '../../src/metrics/serve-metrics.js';

describe('serveMetrics (METRICS_PORT)', () => {
  let served: MetricsServer | undefined;
  let blocker: Server | undefined;
  afterEach(async () => {
    await served?.stop();
    served = undefined;
    await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
    blocker = undefined;
  });

  it('serves the process’s registry at /metrics over a real socket', async () => {
    const metrics = new Metrics();
    metrics.rentprogRequest({ branch: 'tbilisi', endpoint: '/all_bookings', status: 200, seconds: 0.2 });
    metrics.probe('database', false);
    served = await serveMetrics(metrics, 0, '127.0.0.1');

    const response = await fetch(`http://127.0.0.1:${served.port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain(
      'rentprog_api_requests_total{branch="tbilisi",endpoint="/all_bookings",status="200"} 1',
    );
    expect(text).toContain('rentprog_health_probe_ok{probe="database"} 0');

    // A later scrape sees what happened since.
    metrics.rentprogRequest({ branch: 'tbilisi', endpoint: '/all_bookings', status: 200, seconds: 0.2 });
    expect(await (await fetch(`http://127.0.0.1:${served.port}/metrics`)).text()).toContain(
      'rentprog_api_requests_total{branch="tbilisi",endpoint="/all_bookings",status="200"} 2',
    );
  });

  it('answers /healthz, and 404 or 405 to anything else', async () => {
    served = await serveMetrics(new Metrics(), 0, '127.0.0.1');
    const base = `http://127.0.0.1:${served.port}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    expect((await fetch(`${base}/webhooks/rentprog/tbilisi`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('fails with a message naming METRICS_PORT when the port is taken', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    await expect(serveMetrics(new Metrics(), port, '127.0.0.1')).rejects.toThrow(
      `METRICS_PORT ${port} is already in use`,
    );
  });

  it('stops even while a scraper holds its connection open', async () => {
    served = await serveMetrics(new Metrics(), 0, '127.0.0.1');
    const { port } = served;
    await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { connection: 'keep-alive' } });
    await served.stop();
    served = undefined;
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
