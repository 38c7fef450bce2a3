import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { serveCodec } from '../temporal/codec-server.js';
import { AesGcmPayloadCodec } from '../temporal/payload-codec.js';

export const CODEC_SERVER_USAGE = `Usage: rentprog-flow codec-server [--port 8888] [--host 127.0.0.1] [--ui-origin http://localhost:8233]

Serves Temporal's remote codec protocol (POST /decode, POST /encode) with the keys of
TEMPORAL_PAYLOAD_KEYS, so a Temporal Web UI shows encrypted workflow payloads in clear:
start the UI with TEMPORAL_CODEC_ENDPOINT (or the dev server with --ui-codec-endpoint)
set to http://<host>:<port>, or pass --codec-endpoint to the temporal CLI.
Whoever reaches it reads every payload: it listens on 127.0.0.1 unless --host says
otherwise, and browsers may call it only from --ui-origin (repeat it for several UIs).`;

/** `rentprog-flow codec-server`: the codec endpoint for engineers' Web UIs, until Ctrl-C. */
export async function runCodecServer(argv: string[], log: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8888' },
      host: { type: 'string', default: '127.0.0.1' },
      'ui-origin': { type: 'string', multiple: true, default: ['http://localhost:8233'] },
      verbose: { type: 'boolean' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('--port must be a port number');
  const uiOrigins = values['ui-origin'].map(toOrigin);
  const { payloadKeys } = loadConfig(process.env, { requireBranches: false }).temporal;
  if (!payloadKeys) throw new Error('TEMPORAL_PAYLOAD_KEYS is not set: there are no keys to decode with');

  const server = await serveCodec({
    codec: new AesGcmPayloadCodec(payloadKeys),
    host: values.host,
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

/** What a browser sends as Origin: scheme, host and port only (`http://localhost:8080`). */
function toOrigin(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search) {
    throw new Error(`--ui-origin must be an origin like http://localhost:8233, not "${text}"`);
  }
  return url.origin;
}
