import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  type PayloadKey,
} from '../../src/temporal/payload-codec.js';

const key = (id: string): PayloadKey => ({ id, key: randomBytes(32) });
const person = { name: 'Нино Беридзе', phone: '+995 555 123 456' };
const plain = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const text = (payload: Payload) => Buffer.from(payload.data ?? []).toString('latin1');
const meta = (payload: Payload, name: string) => Buffer.from(payload.metadata?.[name] ?? []).toString();

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('AesGcmPayloadCodec', () => {
  it('round-trips payloads, metadata included, and hides their content', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const originals = [plain(person), plain(undefined), plain(new Uint8Array([0, 1, 2, 255]))];
    const encoded = await codec.encode(originals);
    expect(encoded.map((p) => meta(p, 'encoding'))).toEqual([
      ENCRYPTED_ENCODING,
      ENCRYPTED_ENCODING,
      ENCRYPTED_ENCODING,
    ]);
    expect(encoded.map((p) => meta(p, KEY_ID_METADATA))).toEqual(['k1', 'k1', 'k1']);
    expect(text(encoded[0]!)).not.toContain('+995');
    expect(text(encoded[0]!)).not.toContain('json/plain');

    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      person,
      undefined,
      new Uint8Array([0, 1, 2, 255]),
    ]);
    expect(decoded.map((p) => meta(p, 'encoding'))).toEqual(originals.map((p) => meta(p, 'encoding')));
  });

  it('uses a fresh IV for every payload: the same value never encrypts the same twice', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const [a, b] = await codec.encode([plain(person), plain(person)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('after rotation encrypts with the new first key and still decrypts what the old key wrote', async () => {
    const old = key('k1');
    const fresh = key('k2');
    const before = await new AesGcmPayloadCodec([old]).encode([plain(person)]);
    const rotated = new AesGcmPayloadCodec([fresh, old]);
    const after = await rotated.encode([plain(person)]);
    expect(meta(after[0]!, KEY_ID_METADATA)).toBe('k2');
    const decoded = await rotated.decode([...before, ...after]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([person, person]);
  });

  it('names an unknown key id in its error, and never a key', async () => {
    const writer = key('retired');
    const encoded = await new AesGcmPayloadCodec([writer]).encode([plain(person)]);
    const reader = key('k2');
    const err = await rejection(new AesGcmPayloadCodec([reader]).decode(encoded));
    expect(err.message).toContain('"retired"');
    for (const secret of [writer.key, reader.key]) {
      expect(err.message).not.toContain(secret.toString('base64'));
      expect(err.message).not.toContain(secret.toString('hex'));
    }
  });

  it('rejects a payload whose ciphertext, IV or tag was altered', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const [encoded] = await codec.encode([plain(person)]);
    const length = encoded!.data!.length;
    for (const at of [0, 12, Math.floor(length / 2), length - 1]) {
      const data = Buffer.from(encoded!.data!);
      data[at] = data[at]! ^ 1;
      const err = await rejection(codec.decode([{ ...encoded!, data }]));
      expect(err.message).toMatch(/failed authentication/);
    }
    const truncated = { ...encoded!, data: encoded!.data!.subarray(0, 20) };
    expect((await rejection(codec.decode([truncated]))).message).toMatch(/too short/);
  });

  it('rejects a payload encrypted under the same key id with another key', async () => {
    const [encoded] = await new AesGcmPayloadCodec([key('k1')]).encode([plain(person)]);
    const err = await rejection(new AesGcmPayloadCodec([key('k1')]).decode([encoded!]));
    expect(err.message).toMatch(/key id "k1".*failed authentication/);
  });

  it('passes unencrypted payloads (written before keys were set) through unchanged', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const written = [plain(person), plain(null)];
    const decoded = await codec.decode(written);
    expect(decoded).toEqual(written);
    expect(defaultPayloadConverter.fromPayload(decoded[0]!)).toEqual(person);
  });

  it('refuses to start without a key or with a key of the wrong size', () => {
    expect(() => new AesGcmPayloadCodec([])).toThrow(/at least one key/);
    expect(() => new AesGcmPayloadCodec([{ id: 'short', key: randomBytes(16) }])).toThrow(
      /"short" must be 32 bytes/,
    );
  });
});
