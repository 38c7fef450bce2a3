import path from 'node:path';
import type { Config } from '../config/config.js';
import { openPostgres } from '../store/postgres-db.js';
import { PostgresSpool } from './postgres-spool.js';
import { FileSpool } from './file-spool.js';
import type { Spool } from './spool.js';

/**
 * `webhook_inbox` in Postgres when DATABASE_URL is set (shared by all ingress replicas),
 * otherwise an fsync'd file under DATA_DIR/spool. Returns a closer for the pool.
 */
export async function openSpool(
  database: Config['database'],
): Promise<{ spool: Spool; close: () => Promise<void> }> {
  if (database.url) {
    const db = openPostgres(database.url, { max: 4 });
    return { spool: new PostgresSpool(db), close: () => db.close() };
  }
  return {
    spool: await FileSpool.open(path.join(database.dataDir, 'spool')),
    close: () => Promise.resolve(),
  };
}
