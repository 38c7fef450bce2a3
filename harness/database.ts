import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { openPglite } from '../src/store/pglite-db.js';
import { openPostgres } from '../src/store/postgres-db.js';

export type Backend = 'postgres' | 'pglite';

/** Postgres when TEST_DATABASE_URL is set (CI sets it), PGlite always. */
export const availableBackends = (): Backend[] =>
  process.env.TEST_DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'];

/** The backend for tests that need one database: the real server when there is one. */
export const preferredBackend = (): Backend => availableBackends()[0]!;

export interface TestDatabase {
  db: Db;
  /** A connection URL for child processes; undefined on PGlite. */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database: a new Postgres database per call, or an in-memory PGlite. */
export async function createTestDatabase(backend: Backend = preferredBackend()): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const db = await openPglite();
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const database = await createPostgresDatabase(adminUrl, 'rentprog_test');
  const db = openPostgres(database.url, { max: 4 });
  await migrate(db);
  return {
    db,
    url: database.url,
    async drop() {
      await db.close();
      await database.drop();
    },
  };
}

/**
 * An empty database of its own on the Postgres server at `adminUrl` (a URL of a database
 * there to connect to first), named `prefix` and a random part, or exactly `name`.
 */
export async function createPostgresDatabase(
  adminUrl: string,
  prefix: string,
  name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`,
): Promise<{ url: string; drop(): Promise<void> }> {
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
