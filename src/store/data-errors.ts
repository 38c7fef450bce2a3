/**
 * SQLSTATE classes no retry can fix, because the statement's own values are the problem:
 * 22 data exception (a value its type or column refuses, e.g. 22003 out of range, 22P05
 * a NUL in jsonb) and 23 integrity constraint violation (a row a constraint refuses).
 */
const DATA_ERROR = /^2[23][0-9A-Z]{3}$/;

/** The failure type activities give Temporal for a data error, so it is never retried. */
export const DATA_ERROR_TYPE = 'PostgresDataError';

export interface DataError {
  sqlstate: string;
  message: string;
  column?: string;
}

/**
 * The SQLSTATE and message of a Postgres error that no retry can fix, or null for any
 * other error (connection lost, timeout, a bug). node-postgres and PGlite both put the
 * SQLSTATE in `code` and the server's message in `message`; the rest of the error is left
 * out on purpose (PGlite's carries the statement's parameters, i.e. the record).
 */
export function dataErrorOf(err: unknown): DataError | null {
  if (!(err instanceof Error)) return null;
  const { code, column } = err as { code?: unknown; column?: unknown };
  if (typeof code !== 'string' || !DATA_ERROR.test(code)) return null;
  return { sqlstate: code, message: err.message, ...(typeof column === 'string' ? { column } : {}) };
}

/** One line for operators: where Postgres refused what, by SQLSTATE. */
export function describeDataError(error: DataError, where: { table: string; branch: string }): string {
  const column = error.column ? `, column ${error.column}` : '';
  return `Postgres refused a ${where.table} row of ${where.branch}${column}: SQLSTATE ${error.sqlstate} ${error.message}`;
}
