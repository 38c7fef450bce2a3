import { loadConfig } from '../config/load-config.js';
import { serveCodec } from '../temporal/codec-server.js';
import { AesGcmPayloadCodec } from '../temporal/payload-codec.js';

/** `rentprog-flow codec-server`: the codec endpoint for engineers' Web UIs, until Ctrl-C. */
export async function runCodecServer(
  options: { port: number; host: string; uiOrigins: string[] },
  log: (line: string) => void,
): Promise<void> {
  const { port, host, uiOrigins } = options;
  const { payloadKeys } = loadConfig(process.env, { requireBranches: false }).temporal;
  if (!payloadKeys) throw new Error('TEMPORAL_PAYLOAD_KEYS is not set: there are no keys to decode with');

  const server = await serveCodec({
    codec: new AesGcmPayloadCodec(payloadKeys),
    host,
    port,
    uiOrigins,
    log,
  });
  log(
    `codec server ${server.url} (keys ${payloadKeys.map((k) => k.id).join(', ')}; UI origins ${uiOrigins.join(', ')})`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.stop();
  log('codec server stopped');
}
