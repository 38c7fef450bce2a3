import { Client, type Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config/config.js';
import { AesGcmPayloadCodec } from './payload-codec.js';

export const UNENCRYPTED_PAYLOADS_WARNING =
  'TEMPORAL_PAYLOAD_KEYS is not set: workflow payloads (webhook changes, client names and phones ' +
  'among them) are stored unencrypted in Temporal and shown in its Web UI';

/**
 * The data converter of every Client and Worker of the service: payloads encrypted with
 * TEMPORAL_PAYLOAD_KEYS when it is set, Temporal's plain default otherwise. Workers and
 * clients must agree, so they all take it from here.
 */
export function dataConverterFor(temporal: Pick<Config['temporal'], 'payloadKeys'>): DataConverter {
  return temporal.payloadKeys ? { payloadCodecs: [new AesGcmPayloadCodec(temporal.payloadKeys)] } : {};
}

/** A Client of the service's namespace that encrypts and decrypts as its workers do. */
export function serviceClient(
  connection: Connection,
  temporal: Pick<Config['temporal'], 'namespace' | 'payloadKeys'>,
): Client {
  return new Client({ connection, namespace: temporal.namespace, dataConverter: dataConverterFor(temporal) });
}
