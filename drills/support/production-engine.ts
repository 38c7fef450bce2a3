import { startPrivatePostgres } from '../../harness/private-postgres.js';
import {
  ensureTemporalServer,
  postgresTarget,
  setUpTemporalSchema,
  startTemporalServer,
  type TemporalDatabases,
} from '../../harness/temporal-server.js';
import { seconds } from '../../harness/wait.js';
import type { DrillContext } from './drill.js';
import type { Teardown } from './teardown.js';

export const TEMPORAL_DATABASES: TemporalDatabases = {
  main: 'temporal_drill',
  visibility: 'temporal_drill_visibility',
};

export interface ProductionEngine {
  /** The Temporal server's frontend. */
  address: string;
  /** The service's database (`rentprog`) in the same Postgres, as compose shares one. */
  serviceDatabase: string;
  /** Another fresh database there. */
  createDatabase(name: string): Promise<string>;
  /** What bringing it up took: build, schema, start. */
  figures: { label: string; value: string }[];
}

/**
 * What compose runs under the service, on loopback: one private Postgres cluster
 * (password auth) holding Temporal's two databases and the service's, and the production
 * Temporal server (built from the module proxy if missing) on it, with its default task
 * queue partitions. Histories are saved as evidence before the server stops.
 */
export async function startProductionEngine(
  context: DrillContext,
  teardown: Teardown,
  name: string,
): Promise<ProductionEngine> {
  const { secrets, evidence } = context;
  const figures: ProductionEngine['figures'] = [];
  const build = await ensureTemporalServer((line) => context.log(line));
  figures.push({
    label: 'Temporal server build (go install, once)',
    value: build.builtInMs === undefined ? 'already built' : `${seconds(build.builtInMs)} s`,
  });

  const postgres = await startPrivatePostgres({
    password: secrets.databasePassword,
    keepLog: (file) => evidence.keepLog(file, `${name}-postgres`),
  });
  teardown.add('Postgres', () => postgres.stop());
  const serviceDatabase = await postgres.createDatabase('rentprog');
  const target = postgresTarget(serviceDatabase);

  let t0 = Date.now();
  await setUpTemporalSchema(build.sqlTool, target, TEMPORAL_DATABASES);
  figures.push({
    label: 'schema: drop, create, setup-schema, update-schema (two databases)',
    value: `${seconds(Date.now() - t0)} s`,
  });

  t0 = Date.now();
  const server = await startTemporalServer({
    build,
    target,
    databases: TEMPORAL_DATABASES,
    log: evidence.logFile(`${name}-temporal-server`),
  });
  teardown.add('Temporal server', async () => {
    await evidence.saveHistories(server.address, name);
    await server.stop();
  });
  figures.push({
    label: 'server start → frontend answering / default namespace and search attributes usable',
    value: `${seconds(server.answeringAfterMs)} s / ${seconds(server.readyAfterMs)} s`,
  });
  context.log(`Temporal server ready at ${server.address} after ${seconds(Date.now() - t0)} s`);

  return {
    address: server.address,
    figures,
    serviceDatabase,
    createDatabase: (database) => postgres.createDatabase(database),
  };
}
