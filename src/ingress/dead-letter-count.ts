import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Queryable } from '../store/db.js';
import { countFileDeadLetters } from './file-spool/index.js';

/**
 * Counts the webhooks Temporal refused for good, wherever this deployment's spool keeps
 * them (Postgres with DATABASE_URL, else DATA_DIR/spool), for `status` and the bot.
 */
export function deadLetterCounter(database: Config['database'], db: Queryable): () => Promise<number> {
  if (!database.url) return () => countFileDeadLetters(path.join(database.dataDir, 'spool'));
  return async () => {
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_dead_letters');
    return row?.n ?? 0;
  };
}
