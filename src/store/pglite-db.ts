import { PGlite } from '@electric-sql/pglite';
import { mkdir } from 'node:fs/promises';
import { type Db, INT8_OID, parseInt8 } from './db.js';

/** Embedded Postgres (WASM) in `dataDir`, or in memory when no directory is given. */
export async function openPglite(dataDir?: string): Promise<Db> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, { parsers: { [INT8_OID]: parseInt8 } });
  return {
    kind: 'pglite',
    query: async (sql, params) => (await db.query(sql, params)).rows as never[],
    async exec(sql) {
      await db.exec(sql);
    },
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          query: async (sql, params) => (await tx.query(sql, params)).rows as never[],
          exec: async (sql) => void (await tx.exec(sql)),
        }),
      ),
    close: () => db.close(),
  };
}
