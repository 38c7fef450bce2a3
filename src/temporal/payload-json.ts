import type { Payload } from '@temporalio/common';

/** A Payload in protobuf's JSON form, as the remote codec protocol carries it: bytes in base64. */
export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

export class PayloadJsonError extends Error {
  override name = 'PayloadJsonError';
}

// Protobuf JSON parsers accept standard and URL-safe base64, padded or not.
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function bytes(value: unknown, where: string): Buffer {
  if (typeof value !== 'string' || !BASE64.test(value)) {
    throw new PayloadJsonError(`${where} must be a base64 string`);
  }
  return Buffer.from(value, 'base64');
}

export function payloadToJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([name, value]) => [
        name,
        Buffer.from(value).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}

/** Reads one payload of a request body; whatever is not a payload is a PayloadJsonError. */
export function payloadFromJson(json: unknown): Payload {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new PayloadJsonError('every payload must be an object');
  }
  const { metadata, data } = json as Record<string, unknown>;
  if (
    metadata !== undefined &&
    metadata !== null &&
    (typeof metadata !== 'object' || Array.isArray(metadata))
  ) {
    throw new PayloadJsonError('payload metadata must be an object');
  }
  return {
    metadata: Object.fromEntries(
      Object.entries((metadata ?? {}) as Record<string, unknown>).map(([name, value]) => [
        name,
        bytes(value, `metadata "${name}"`),
      ]),
    ),
    data: data === undefined || data === null ? new Uint8Array() : bytes(data, 'payload data'),
  };
}
