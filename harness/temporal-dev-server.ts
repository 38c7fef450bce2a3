import { Connection } from '@temporalio/client';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { ensureTemporalCli } from '../src/cli/temporal-cli.js';
import { SEARCH_ATTRIBUTES } from '../src/workflows/search-attributes.js';
import { freePort } from './ports.js';
import { startProcess } from './processes.js';
import { waitFor } from './wait.js';

export interface TemporalDevServer {
  address: string;
  /** SIGTERM, as an operator's `systemctl stop` would; resolves once the process is gone. */
  stop(): Promise<void>;
}

/**
 * A Temporal dev server from the local CLI (`.temporal/bin/temporal`, built by
 * `npm run temporal:ensure` if missing, never downloaded), started the way
 * src/cli/dev-server.ts starts it (search attributes, no calls home) but headless. With
 * `dbFile` its state is in that SQLite file, so a restart on the same port and file
 * keeps every workflow; without, it is in memory.
 */
export async function startTemporalDevServer(
  options: {
    /** The Temporal CLI binary; found (or built) by ensureTemporalCli when not given. */
    cli?: string;
    /** A free one when not given. */
    port?: number;
    dbFile?: string;
    /** Server settings, e.g. `{ 'limit.historyCount.suggestContinueAsNew': 100 }`. */
    dynamicConfig?: Record<string, string | number>;
    /** A file for the server's own log (a drill's evidence). */
    log?: Writable;
    name?: string;
  } = {},
): Promise<TemporalDevServer> {
  const port = options.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  if (options.dbFile) await mkdir(path.dirname(options.dbFile), { recursive: true });
  const dynamicConfig = { 'frontend.enableServerVersionCheck': 'false', ...options.dynamicConfig };
  const server = startProcess(
    options.cli ?? (await ensureTemporalCli()),
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
      '--log-level',
      'warn',
      ...Object.entries(dynamicConfig).flatMap(([key, value]) => [
        '--dynamic-config-value',
        `${key}=${value}`,
      ]),
      ...SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
    ],
    {
      env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
      name: options.name ?? `the Temporal dev server at ${address}`,
      log: options.log,
    },
  );
  try {
    await waitFor(
      async () => {
        if (!server.running)
          throw new Error(`${server.name} exited (${server.exitDescription}):\n${server.tail()}`);
        return ready(address);
      },
      { timeoutMs: 60_000, what: server.name },
    );
  } catch (err) {
    await server.stop('SIGKILL');
    throw err;
  }
  return {
    address,
    // A dev server that hangs on shutdown must not hang the run.
    stop: () => server.stop('SIGTERM', 15_000),
  };
}

/** Answers, and the default namespace (where everything runs) is there. */
async function ready(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}
