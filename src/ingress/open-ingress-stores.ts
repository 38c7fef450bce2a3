import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Queryable } from '../store/db.js';
import { openPostgres } from '../store/postgres-db.js';
import { FileSpool } from './file-spool/index.js';
import { PostgresSpool } from './postgres-spool.js';
import {
  FileQuarantineBodies,
  PostgresQuarantineBodies,
  type QuarantineBodies,
} from './quarantine-bodies.js';
import type { Spool } from './spool.js';

export interface IngressStores {
  spool: Spool;
  quarantineBodies: QuarantineBodies;
  /** The Postgres behind them (DATABASE_URL), where the ingress also records its incidents. */
  db?: Queryable;
  close: () => Promise<void>;
}

/**
 * Where the ingress keeps what it must not lose. With DATABASE_URL: `webhook_inbox`,
 * `webhook_dead_letters` and `webhook_bodies` in Postgres, shared by all ingress
 * replicas. Without: files under DATA_DIR/spool and DATA_DIR/quarantine (PGlite belongs
 * to the worker, and the ingress must work while the worker is down).
 */
export async function openIngressStores(
  config: Pick<Config, 'database' | 'ingress'>,
): Promise<IngressStores> {
  const { database } = config;
  if (database.url) {
    const db = openPostgres(database.url, { max: 4 });
    return {
      spool: new PostgresSpool(db),
      quarantineBodies: new PostgresQuarantineBodies(db),
      db,
      close: () => db.close(),
    };
  }
  return {
    spool: await FileSpool.open(path.join(database.dataDir, 'spool'), {
      maxBytes: config.ingress.spoolMaxBytes,
    }),
    quarantineBodies: new FileQuarantineBodies(path.join(database.dataDir, 'quarantine')),
    close: () => Promise.resolve(),
  };
}
