import { Connection } from '@temporalio/client';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

export interface DevServer {
  address: string;
  uiUrl: string;
  /** False when a server was already answering there and we used it. */
  startedHere: boolean;
  stop(): Promise<void>;
}

/** The dev server's Web UI sits 1000 ports above its frontend. */
export function devServerUiUrl(address: string): string {
  return `http://localhost:${Number(address.split(':')[1] ?? 7233) + 1000}`;
}

/**
 * A local Temporal dev server with its history in `dbFile` (so a restart keeps history
 * and the dedup window), the Web UI, our search attributes, and no calls home. Reuses a
 * server already answering at `address`.
 */
export async function startDevServer(options: {
  cli: string;
  address: string;
  dbFile: string;
  /** A remote codec the Web UI calls from the browser to show encrypted payloads in clear. */
  codecEndpoint?: string;
}): Promise<DevServer> {
  const [host = 'localhost', portText = '7233'] = options.address.split(':');
  const port = Number(portText);
  const uiUrl = devServerUiUrl(options.address);
  if (await answers(options.address, 1000)) {
    return { address: options.address, uiUrl, startedHere: false, stop: () => Promise.resolve() };
  }
  await mkdir(path.dirname(options.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    host === 'localhost' ? '127.0.0.1' : host,
    '--port',
    String(port),
    '--ui-port',
    String(port + 1000),
    '--db-filename',
    options.dbFile,
    '--log-level',
    'error',
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    ...SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
    ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
  ];
  const child: ChildProcess = spawn(options.cli, args, {
    env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!(await answers(options.address, 60_000, () => child.exitCode !== null))) {
    child.kill('SIGKILL');
    throw new Error(
      `the Temporal dev server did not start at ${options.address}: ${stderr.trim() || 'no output'}`,
    );
  }
  return {
    address: options.address,
    uiUrl,
    startedHere: true,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function answers(
  address: string,
  withinMs: number,
  gaveUp: () => boolean = () => false,
): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline && !gaveUp()) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 500 });
      await connection.close();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return false;
}
