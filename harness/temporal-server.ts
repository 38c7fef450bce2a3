import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { parse, stringify } from 'yaml';
import { PROJECT_ROOT } from '../src/cli/temporal-cli.js';
import { SEARCH_ATTRIBUTES } from '../src/workflows/search-attributes.js';
import { freePort } from './ports.js';
import { runToSuccess, startProcess } from './processes.js';
import { waitFor } from './wait.js';

/** The server compose runs (`temporalio/auto-setup:1.29.1`), built from the Go module proxy. */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

const SERVER_DIR = path.join(PROJECT_ROOT, '.temporal', 'server');
/** The module's own Postgres 12 development config, kept beside the binaries. */
const CONFIG_NAME = 'development-postgres12';

export interface TemporalServerBuild {
  server: string;
  sqlTool: string;
  configTemplate: string;
  /** How long the build took; undefined when everything was there already. */
  builtInMs?: number;
}

const isExecutable = (file: string) =>
  access(file, constants.X_OK).then(
    () => true,
    () => false,
  );

async function go(): Promise<string> {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/go/bin']) {
    if (dir && (await isExecutable(path.join(dir, 'go')))) return path.join(dir, 'go');
  }
  throw new Error(`no Go toolchain (on PATH or /usr/local/go/bin) to build ${TEMPORAL_SERVER_MODULE}`);
}

function goRun(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return go().then(
    (bin) =>
      new Promise((resolve, reject) => {
        const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.on('error', reject);
        child.on('exit', (code) =>
          code === 0 ? resolve(stdout.trim()) : reject(new Error(`go ${args.join(' ')} exited with ${code}`)),
        );
      }),
  );
}

/**
 * The production Temporal server and its SQL schema tool in `.temporal/server/bin`, built
 * with `go install` from the module proxy when missing (minutes on a cold Go cache), and
 * the module's Postgres config beside them, copied from the module cache.
 */
export async function ensureTemporalServer(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<TemporalServerBuild> {
  const bin = path.join(SERVER_DIR, 'bin');
  const build: TemporalServerBuild = {
    server: path.join(bin, 'server'),
    sqlTool: path.join(bin, 'sql'),
    configTemplate: path.join(SERVER_DIR, 'config', `${CONFIG_NAME}.yaml`),
  };
  const module = `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`;
  if (!(await isExecutable(build.server)) || !(await isExecutable(build.sqlTool))) {
    log(`Building the Temporal server and its SQL tool (${module}) into .temporal/server/bin with Go.`);
    log('This takes 10-20 minutes on a cold Go cache; later runs reuse it.');
    const started = Date.now();
    await goRun(
      [
        'install',
        `${TEMPORAL_SERVER_MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
        `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
      ],
      { ...process.env, GOBIN: bin },
    );
    build.builtInMs = Date.now() - started;
    log(`Temporal server built in ${Math.round(build.builtInMs / 1000)} s`);
  }
  const exists = await access(build.configTemplate).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const cache = await goRun(['env', 'GOMODCACHE'], process.env);
    await mkdir(path.dirname(build.configTemplate), { recursive: true });
    await copyFile(path.join(cache, `${module}`, 'config', `${CONFIG_NAME}.yaml`), build.configTemplate);
  }
  return build;
}

/** Where the server keeps its state: a Postgres server and a user allowed to create databases. */
export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password?: string;
}

export interface TemporalDatabases {
  main: string;
  visibility: string;
}

/** `postgres://user:password@host:port/db` as a target, so a drill's private cluster can hold the server. */
export function postgresTarget(url: string): PostgresTarget {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}

/**
 * Drops and recreates both databases, then lays down the schema embedded in the SQL
 * tool, as an operator of a new cluster does:
 *   sql --pl postgres12 --ep H -p P -u U --db D drop-database -f   (then create-database)
 *   sql … --db D setup-schema -v 0.0
 *   sql … --db D update-schema --schema-name postgresql/v12/temporal   (…/visibility)
 */
export async function setUpTemporalSchema(
  sqlTool: string,
  target: PostgresTarget,
  databases: TemporalDatabases,
): Promise<void> {
  // The password goes by environment, never on a command line others can read.
  const env = { SQL_PASSWORD: target.password ?? '' };
  const steps: [string, string][] = [
    [databases.main, 'postgresql/v12/temporal'],
    [databases.visibility, 'postgresql/v12/visibility'],
  ];
  for (const [database, schemaName] of steps) {
    const common = [
      '--pl',
      'postgres12',
      '--ep',
      target.host,
      '-p',
      String(target.port),
      '-u',
      target.user,
      '--db',
      database,
    ];
    for (const command of [
      ['drop-database', '-f'],
      ['create-database'],
      ['setup-schema', '-v', '0.0'],
      ['update-schema', '--schema-name', schemaName],
    ]) {
      await runToSuccess(
        startProcess(sqlTool, [...common, ...command], {
          env,
          name: `temporal sql ${command[0]} ${database}`,
        }),
        120_000,
      );
    }
  }
}

export interface TemporalServer {
  address: string;
  /** Milliseconds from the process start to a frontend that answers. */
  answeringAfterMs: number;
  /** Then to the default namespace and our search attributes usable. */
  readyAfterMs: number;
  /** SIGTERM (SIGKILL after 20 s); resolves once the process is gone and its config removed. */
  stop(): Promise<void>;
}

/** The parts of the server's config file we change; the rest is kept as the module has it. */
interface ServerConfig {
  log: { level: string };
  persistence: {
    datastores: Record<
      string,
      { sql: { databaseName: string; connectAddr: string; user: string; password: string } }
    >;
  };
  global: { pprof: { port: number }; metrics: { prometheus: { listenAddress: string } } };
  services: Record<string, { rpc: { grpcPort: number; membershipPort: number; httpPort?: number } }>;
  clusterMetadata: { currentClusterName: string; clusterInformation: Record<string, { rpcAddress: string }> };
  dynamicConfigClient: { filepath: string };
}

/**
 * The module's development-postgres12.yaml with only what a second server on this
 * machine must change: the databases, the Postgres address and user, and every port
 * (free ones, so it never meets a dev server); pprof off and the log at warn.
 */
export async function renderServerConfig(options: {
  template: string;
  target: PostgresTarget;
  databases: TemporalDatabases;
  dynamicConfigFile: string;
}): Promise<{ yaml: string; frontendPort: number }> {
  const config = parse(await readFile(options.template, 'utf8')) as ServerConfig;
  for (const [store, database] of [
    ['postgres-default', options.databases.main],
    ['postgres-visibility', options.databases.visibility],
  ] as const) {
    const sql = config.persistence.datastores[store]!.sql;
    sql.databaseName = database;
    sql.connectAddr = `${options.target.host}:${options.target.port}`;
    sql.user = options.target.user;
    sql.password = options.target.password ?? '';
  }
  config.log.level = 'warn';
  config.global.pprof.port = 0;
  config.global.metrics.prometheus.listenAddress = `127.0.0.1:${await freePort()}`;
  for (const service of ['frontend', 'matching', 'history', 'worker']) {
    const { rpc } = config.services[service]!;
    rpc.grpcPort = await freePort();
    rpc.membershipPort = await freeMembershipPort();
    if (service === 'frontend') rpc.httpPort = await freePort();
  }
  const frontendPort = config.services.frontend!.rpc.grpcPort;
  config.clusterMetadata.clusterInformation[config.clusterMetadata.currentClusterName]!.rpcAddress =
    `127.0.0.1:${frontendPort}`;
  config.dynamicConfigClient.filepath = options.dynamicConfigFile;
  return { yaml: stringify(config), frontendPort };
}

/**
 * A free port below 32768: the server keeps membership ports in a smallint column
 * (cluster_membership.rpc_port), so one from the OS's ephemeral range stops it at start.
 */
async function freeMembershipPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = net.createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
}

/**
 * The production server (all four services in one process) on Postgres, from a config
 * rendered into a temp dir (mode 0600: it holds the database password). Once its
 * frontend answers, registers the `default` namespace (72 h retention, as compose's
 * setup does) and our search attributes through the operator API, and waits until the
 * namespace and the attributes are usable: a real server picks both up from its caches,
 * seconds after they are written.
 */
export async function startTemporalServer(options: {
  build: TemporalServerBuild;
  target: PostgresTarget;
  databases: TemporalDatabases;
  /** Server settings, e.g. `{ 'matching.numTaskqueueReadPartitions': 1 }`; none by default. */
  dynamicConfig?: Record<string, string | number | boolean>;
  log?: Writable;
}): Promise<TemporalServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-temporal-server-'));
  const dynamicConfigFile = path.join(dir, 'dynamicconfig.yaml');
  const settings = { 'frontend.enableServerVersionCheck': false, ...options.dynamicConfig };
  await writeFile(
    dynamicConfigFile,
    stringify(Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, [{ value }]]))),
  );
  const { yaml, frontendPort } = await renderServerConfig({
    template: options.build.configTemplate,
    target: options.target,
    databases: options.databases,
    dynamicConfigFile,
  });
  await mkdir(path.join(dir, 'config'));
  await writeFile(path.join(dir, 'config', `${CONFIG_NAME}.yaml`), yaml, { mode: 0o600 });

  const address = `127.0.0.1:${frontendPort}`;
  const started = Date.now();
  const server = startProcess(
    options.build.server,
    ['--root', dir, '--config', 'config', '--env', CONFIG_NAME, '--allow-no-auth', 'start'],
    {
      env: { TEMPORAL_VERSION_CHECK_DISABLED: '1' },
      cwd: dir,
      name: `the Temporal server at ${address}`,
      log: options.log,
    },
  );
  const stop = async () => {
    await server.stop('SIGTERM', 20_000);
    await rm(dir, { recursive: true, force: true });
  };
  const alive = () => {
    if (!server.running)
      throw new Error(`${server.name} exited (${server.exitDescription}):\n${server.tail()}`);
  };
  try {
    const connection = await waitFor(
      async () => {
        alive();
        return Connection.connect({ address, connectTimeout: 1000 }).catch(() => undefined);
      },
      { timeoutMs: 120_000, what: `${server.name} answering` },
    );
    const answeringAfterMs = Date.now() - started;
    try {
      await registerNamespace(connection);
      await waitFor(
        async () => {
          alive();
          return usable(connection);
        },
        {
          timeoutMs: 90_000,
          intervalMs: 500,
          what: 'the default namespace and our search attributes usable',
        },
      );
    } finally {
      await connection.close();
    }
    return { address, answeringAfterMs, readyAfterMs: Date.now() - started, stop };
  } catch (err) {
    await server.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

const NAMESPACE = 'default';
const GRPC_ALREADY_EXISTS = 6;
const KEYWORD = proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

async function registerNamespace(connection: Connection): Promise<void> {
  await connection.workflowService
    .registerNamespace({ namespace: NAMESPACE, workflowExecutionRetentionPeriod: msToTs('72h') })
    .catch((err: unknown) => {
      // Kept from an earlier start on the same databases.
      if (!isGrpcServiceError(err) || Number(err.code) !== GRPC_ALREADY_EXISTS) throw err;
    });
  // The frontend answers "namespace not found" until its namespace cache has it.
  await waitFor(
    () =>
      connection.operatorService
        .addSearchAttributes({
          namespace: NAMESPACE,
          searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((key) => [key.name, KEYWORD])),
        })
        .then(
          () => true,
          () => false,
        ),
    { timeoutMs: 60_000, intervalMs: 500, what: 'our search attributes added' },
  );
}

/** A visibility query on every attribute passes: workflows may start and carry them. */
async function usable(connection: Connection): Promise<boolean> {
  try {
    for (const key of SEARCH_ATTRIBUTES) {
      await connection.workflowService.countWorkflowExecutions({
        namespace: NAMESPACE,
        query: `${key.name} = "x"`,
      });
    }
    return true;
  } catch {
    return false;
  }
}
