/** What the store needs from a database: the same calls on node-postgres and on PGlite. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs several statements separated by semicolons, without parameters. */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Postgres type OIDs whose default JS mapping we change so both drivers agree. */
export const INT8_OID = 20;
/** RentProg ids are well below 2^53, so plain numbers are exact and easier to use than strings. */
export const parseInt8 = (text: string): number => Number(text);
