import pg from 'pg';
import { type Db, INT8_OID, parseInt8, type Queryable } from './db.js';

const typeParser = (oid: number, format?: 'text' | 'binary'): ((text: string) => unknown) =>
  oid === INT8_OID ? parseInt8 : (pg.types.getTypeParser(oid, format) as (text: string) => unknown);

/** A node-postgres pool behind the store's Db interface. */
export function openPostgres(connectionString: string, options: { max?: number } = {}): Db {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    types: { getTypeParser: typeParser as typeof pg.types.getTypeParser },
  });
  // An idle client that loses its server (a Postgres restart) must not crash the process;
  // the next query gets a fresh connection.
  pool.on('error', () => undefined);

  const query = async <Row>(runner: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]) =>
    (await runner.query(sql, params)).rows as Row[];

  return {
    kind: 'postgres',
    query: (sql, params) => query(pool, sql, params),
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          query: (sql, params) => query(client, sql, params),
          exec: async (sql) => void (await client.query(sql)),
        };
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
