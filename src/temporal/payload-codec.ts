import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface PayloadKey {
  id: string;
  /** 32 bytes (AES-256). Secret: never logged, never in an error. */
  key: Buffer;
}

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM over whole payloads (metadata and data), so Temporal's database and Web UI
 * see only ciphertext. The first key encrypts; the key id rides in the metadata, so any
 * configured key decrypts what it once encrypted and keys rotate without a migration.
 * Payloads without our encoding (written before keys were set) pass through unchanged.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly current: PayloadKey;
  private readonly keys: Map<string, Buffer>;

  constructor(keys: readonly PayloadKey[]) {
    const [current] = keys;
    if (!current) throw new Error('the payload codec needs at least one key');
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new Error(`payload key "${id}" must be 32 bytes`);
    }
    this.current = current;
    this.keys = new Map(keys.map(({ id, key }) => [id, key]));
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    return settle(() => payloads.map((payload) => this.encrypt(payload)));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return settle(() => payloads.map((payload) => this.decrypt(payload)));
  }

  private encrypt(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const sealed = Buffer.concat([cipher.update(serialize(payload)), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(this.current.id),
      },
      data: Buffer.concat([iv, sealed, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!idBytes) throw new ValueError('an encrypted payload names no encryption-key-id');
    const id = Buffer.from(idBytes).toString();
    const key = this.keys.get(id);
    if (!key) {
      throw new ValueError(
        `a payload is encrypted with key id "${id}", which TEMPORAL_PAYLOAD_KEYS does not list`,
      );
    }
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new ValueError(`an encrypted payload (key id "${id}") is too short to be ours`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new ValueError(
        `an encrypted payload (key id "${id}") failed authentication: altered, or another key under that id`,
      );
    }
    return deserialize(plain);
  }
}

/** Runs synchronous work so that a throw becomes a rejection, as callers of a codec expect. */
const settle = <T>(work: () => T) => new Promise<T>((resolve) => resolve(work()));

/**
 * The plaintext: a 4-byte length, the original metadata as JSON (values in base64), then
 * the original data as is, so a large body costs no base64 on top of the ciphertext.
 */
function serialize(payload: Payload): Buffer {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([name, value]) => [
      name,
      Buffer.from(value).toString('base64'),
    ]),
  );
  const header = Buffer.from(JSON.stringify(metadata));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([length, header, payload.data ?? Buffer.alloc(0)]);
}

function deserialize(plain: Buffer): Payload {
  const headerEnd = 4 + plain.readUInt32BE(0);
  const metadata = JSON.parse(plain.subarray(4, headerEnd).toString()) as Record<string, string>;
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata).map(([name, value]) => [name, Buffer.from(value, 'base64')]),
    ),
    data: plain.subarray(headerEnd),
  };
}
