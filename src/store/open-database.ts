import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Db } from './db.js';
import { migrate } from './migrations.js';
import { openPglite } from './pglite-db.js';
import { openPostgres } from './postgres-db.js';

/** Opens the configured database (Postgres when DATABASE_URL is set, else PGlite) and migrates it. */
export async function openDatabase(database: Config['database']): Promise<Db> {
  const db = database.url
    ? openPostgres(database.url)
    : await openPglite(path.join(database.dataDir, 'pglite'));
  try {
    await migrate(db);
    return db;
  } catch (err) {
    await db.close();
    throw err;
  }
}
