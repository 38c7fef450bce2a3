import { defaultPayloadConverter } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CodecServer, serveCodec } from '../../src/temporal/codec-server.js';
import { AesGcmPayloadCodec } from '../../src/temporal/payload-codec.js';
import { type JsonPayload, payloadFromJson, payloadToJson } from '../../src/temporal/payload-json.js';

const UI = 'http://localhost:8233';
const phone = '+995 555 987 654';

describe('codec server (Temporal remote codec protocol over real HTTP)', () => {
  const payloadKey = { id: 'k1', key: randomBytes(32) };
  const codec = new AesGcmPayloadCodec([payloadKey]);
  let server: CodecServer;
  beforeAll(async () => {
    server = await serveCodec({ codec, host: '127.0.0.1', port: 0, uiOrigins: [UI] });
  });
  afterAll(() => server?.stop());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const encrypted = async () =>
    (await codec.encode([defaultPayloadConverter.toPayload({ phone })])).map(payloadToJson);

  it('decodes what the codec encrypted, for the Web UI’s origin, with CORS', async () => {
    const response = await post(
      '/decode',
      { payloads: await encrypted() },
      { Origin: UI, 'X-Namespace': 'default' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI);
    const { payloads } = (await response.json()) as { payloads: JsonPayload[] };
    expect(Buffer.from(payloads[0]!.metadata!.encoding!, 'base64').toString()).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(payloadFromJson(payloads[0]))).toEqual({ phone });
  });

  it('encodes, so the UI can send encrypted signals, and only the last path segment counts', async () => {
    const plain = payloadToJson(defaultPayloadConverter.toPayload({ phone }));
    const response = await post('/default/encode', { payloads: [plain] });
    expect(response.status).toBe(200);
    const { payloads } = (await response.json()) as { payloads: JsonPayload[] };
    expect(Buffer.from(payloads[0]!.data!, 'base64').toString('latin1')).not.toContain(phone);
    const [decoded] = await codec.decode(payloads.map(payloadFromJson));
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ phone });
  });

  it('answers the browser’s preflight for the UI’s origin with the headers the UI sends', async () => {
    const response = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
  });

  it('decrypts nothing for a page of any other origin', async () => {
    const response = await post(
      '/decode',
      { payloads: await encrypted() },
      { Origin: 'http://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(await response.text()).not.toContain(phone);
  });

  it('answers 400 to what is not a payload list, and to a payload of an unknown key id without the key', async () => {
    expect((await post('/decode', 'not json')).status).toBe(400);
    expect((await post('/decode', { payloads: 'x' })).status).toBe(400);
    expect((await post('/decode', { payloads: [{ data: '***' }] })).status).toBe(400);

    const foreign = new AesGcmPayloadCodec([{ id: 'other', key: randomBytes(32) }]);
    const [payload] = await foreign.encode([defaultPayloadConverter.toPayload({ phone })]);
    const response = await post('/decode', { payloads: [payloadToJson(payload!)] });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: string };
    expect(error).toContain('key id "other"');
    expect(error).not.toContain(payloadKey.key.toString('base64'));
  });

  it('passes unencrypted payloads through, and answers 404 and 405 off the protocol', async () => {
    const plain = payloadToJson(defaultPayloadConverter.toPayload({ phone }));
    const response = await post('/decode', { payloads: [plain] });
    expect(((await response.json()) as { payloads: JsonPayload[] }).payloads).toEqual([plain]);
    expect((await post('/other', { payloads: [] })).status).toBe(404);
    expect((await fetch(`${server.url}/decode`)).status).toBe(405);
  });
});
