import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics.js';

export interface MetricsServer {
  /** The port actually bound (METRICS_PORT=0 picks a free one). */
  port: number;
  stop(): Promise<void>;
}

/**
 * Serves this process's registry at GET /metrics (and a bare GET /healthz) on METRICS_PORT,
 * so a worker or bot process can be scraped like the ingress. A port that cannot be bound
 * fails the start-up rather than leaving the process running unobserved.
 */
export async function serveMetrics(metrics: Metrics, port: number, host?: string): Promise<MetricsServer> {
  const server = createServer((req, res) => void answer(metrics, req, res));
  // Prometheus keeps its connection open between scrapes; nothing slow is ever served here.
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(bindError(err, port)));
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(metrics: Metrics, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain', 'GET only\n');
  if (path === '/healthz') return reply(res, 200, 'application/json', '{"ok":true}');
  if (path !== '/metrics') return reply(res, 404, 'text/plain', 'not found\n');
  try {
    reply(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
  } catch (err) {
    reply(res, 500, 'text/plain', `metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function bindError(err: NodeJS.ErrnoException, port: number): Error {
  const why =
    err.code === 'EADDRINUSE'
      ? 'is already in use by another process'
      : err.code === 'EACCES'
        ? 'needs privileges this process does not have'
        : `cannot be bound (${err.code ?? err.message})`;
  return new Error(`METRICS_PORT ${port} ${why}: choose another METRICS_PORT or unset it`, { cause: err });
}
