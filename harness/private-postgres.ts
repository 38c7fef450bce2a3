import { chown, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPostgresDatabase } from './database.js';
import { freePort } from './ports.js';
import { runToSuccess, startProcess } from './processes.js';
import { sleep } from './wait.js';

/** A tool to its end, with our environment (initdb wants the locale); its stdout. */
const run = (command: string, args: string[], cwd?: string) =>
  runToSuccess(startProcess(command, args, { env: process.env, cwd }));

export interface PrivatePostgres {
  /** A fresh database in this cluster, as a URL with the password in it. */
  createDatabase(name: string): Promise<string>;
  /**
   * Stops the server abruptly (`-m immediate`: no checkpoint, crash recovery on start,
   * every connection cut), keeps it down for `downMs`, and starts it again.
   */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A throwaway Postgres cluster of our own (initdb in a temp dir, a free port, password
 * auth), so a drill can stop and start it without touching the machine's Postgres.
 * As root, the server runs as the `postgres` user, because Postgres refuses root.
 */
export async function startPrivatePostgres(options: {
  password: string;
  /** Keeps the server's log, which Postgres writes itself, before the cluster is removed. */
  keepLog?: (file: string) => Promise<void>;
}): Promise<PrivatePostgres> {
  const bin = await postgresBin();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-drill-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const asRoot = process.getuid?.() === 0;
  // Run from the cluster's directory: the postgres user may not be allowed into ours.
  const pgTool = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], dir)
      : run(path.join(bin, tool), args, dir);
  const passwordFile = path.join(dir, 'password');
  await writeFile(passwordFile, options.password, { mode: 0o600 });
  if (asRoot) {
    const { uid, gid } = await postgresUser();
    await chown(dir, uid, gid);
    await chown(passwordFile, uid, gid);
  }
  await pgTool('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=scram-sha-256',
    `--pwfile=${passwordFile}`,
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  await rm(passwordFile);
  const port = await freePort();
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  const start = () => pgTool('pg_ctl', ['-D', data, '-l', logFile, '-o', serverOptions, '-w', 'start']);
  const stopServer = (mode: 'fast' | 'immediate') => pgTool('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  await start();
  const url = (database: string) => `postgres://postgres:${options.password}@127.0.0.1:${port}/${database}`;
  return {
    async createDatabase(name) {
      return (await createPostgresDatabase(url('postgres'), name, name)).url;
    },
    async restart(downMs) {
      await stopServer('immediate');
      await sleep(downMs);
      await start();
    },
    async stop() {
      await stopServer('fast').catch(() => undefined);
      await options.keepLog?.(logFile);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The newest installed Postgres's binaries (Debian layout), or whatever is on PATH. */
async function postgresBin(): Promise<string> {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = await readdir(root).catch(() => [] as string[]);
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest) return path.join(root, newest, 'bin');
  const stdout = await run('pg_config', ['--bindir']).catch(() => {
    throw new Error(
      'no Postgres binaries found: install Postgres or set PG_BIN to the directory with initdb',
    );
  });
  return stdout.trim();
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid), gid: Number(gid) };
}
