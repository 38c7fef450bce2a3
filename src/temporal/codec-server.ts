import type { Payload, PayloadCodec } from '@temporalio/common';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PayloadJsonError, payloadFromJson, payloadToJson } from './payload-json.js';

export interface CodecServerOptions {
  codec: PayloadCodec;
  host: string;
  port: number;
  /** Browser origins (`http://localhost:8233`) allowed to call it: the Web UI's. The CLI sends none. */
  uiOrigins: string[];
  /** Why a request was refused; never a payload. */
  log?: (line: string) => void;
}

export interface CodecServer {
  url: string;
  stop(): Promise<void>;
}

// A history event's payloads travel in one request; a quarantined 1 MiB body is well within.
const MAX_BODY_BYTES = 16 * 2 ** 20;

/**
 * Temporal's remote codec protocol, so an engineer's Web UI or CLI shows payloads
 * decrypted: `POST …/decode` and `POST …/encode` with `{"payloads": [...]}` in protobuf
 * JSON. Anyone who reaches it reads every payload, so it listens on loopback unless told
 * otherwise, and a browser may call it only from the listed UI origins.
 */
export async function serveCodec(options: CodecServerOptions): Promise<CodecServer> {
  const origins = new Set(options.uiOrigins);
  const server = http.createServer((req, res) => {
    handle(req, res, options, origins).catch((err: unknown) => {
      options.log?.(`codec server: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: CodecServerOptions,
  origins: Set<string>,
): Promise<void> {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    // A page from any other origin (DNS rebinding included) gets nothing decrypted.
    if (!origins.has(origin)) return send(res, 403, { error: 'origin not allowed' });
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
  }
  // Only the last path segment counts, so the endpoint may sit under any prefix (`/{namespace}`).
  const action = /\/(encode|decode)$/.exec(new URL(req.url ?? '/', 'http://codec').pathname)?.[1];
  if (!action) return send(res, 404, { error: 'POST /encode or /decode' });
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace');
    res.setHeader('Access-Control-Max-Age', '600');
    res.writeHead(204).end();
    return;
  }
  if (req.method !== 'POST') return send(res, 405, { error: 'POST /encode or /decode' });

  const body = await readBody(req);
  if (body === undefined) return send(res, 413, { error: `body over ${MAX_BODY_BYTES} bytes` });
  let payloads: Payload[];
  try {
    payloads = parsePayloads(body);
  } catch (err) {
    return send(res, 400, { error: err instanceof PayloadJsonError ? err.message : 'the body is not JSON' });
  }
  try {
    const result =
      action === 'decode' ? await options.codec.decode(payloads) : await options.codec.encode(payloads);
    send(res, 200, { payloads: result.map(payloadToJson) });
  } catch (err) {
    // The codec's messages name a key id at most, never a key or a payload.
    const message = err instanceof Error ? err.message : String(err);
    options.log?.(`codec server: ${action} refused: ${message}`);
    send(res, 400, { error: message });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function parsePayloads(body: Buffer): Payload[] {
  const parsed = JSON.parse(body.toString('utf8')) as { payloads?: unknown } | null;
  if (!Array.isArray(parsed?.payloads)) throw new PayloadJsonError('the body must be {"payloads": [...]}');
  return parsed.payloads.map(payloadFromJson);
}

/** The request body, or undefined when it is larger than we take. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
