import { Connection } from '@temporalio/client';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes.js';
import type { Evidence } from './evidence.js';
import { sleep, waitUntil } from './wait.js';

export interface TemporalDevServer {
  address: string;
  /** SIGTERM, as an operator's `systemctl stop` would; resolves once the process is gone. */
  stop(): Promise<void>;
}

/**
 * A Temporal dev server from the local CLI with its state in `dbFile` (SQLite), so a
 * restart on the same port and file keeps every workflow; started the way
 * src/cli/dev-server.ts starts it (search attributes, no calls home), but headless.
 */
export async function startTemporalDevServer(options: {
  cli: string;
  port: number;
  dbFile: string;
  evidence: Evidence;
  name: string;
}): Promise<TemporalDevServer> {
  const address = `127.0.0.1:${options.port}`;
  await mkdir(path.dirname(options.dbFile), { recursive: true });
  const child: ChildProcess = spawn(
    options.cli,
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--db-filename',
      options.dbFile,
      '--log-level',
      'warn',
      '--dynamic-config-value',
      'frontend.enableServerVersionCheck=false',
      ...SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
    ],
    { env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = options.evidence.logFile(options.name);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = once(child, 'close');
  const running = () => child.exitCode === null && child.signalCode === null;
  try {
    await waitUntil(
      async () => {
        if (!running())
          throw new Error(`the Temporal dev server exited (${child.exitCode ?? child.signalCode})`);
        return ready(address);
      },
      `the Temporal dev server at ${address}`,
      60_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    address,
    async stop() {
      if (!running()) return;
      child.kill('SIGTERM');
      // A dev server that hangs on shutdown must not hang the drills.
      const forced = sleep(15_000).then(() => child.kill('SIGKILL'));
      await Promise.race([exited, forced]);
      await exited;
    },
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
