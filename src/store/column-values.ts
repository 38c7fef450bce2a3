import type { SqlType } from './entity-tables.js';

export type ColumnValue = string | number | boolean | null;

/**
 * Integer columns hold what their type holds, and bigint only what a JS number holds
 * exactly (ids are read back as numbers, see db.ts).
 *
 * No column is widened for the values that do not fit (migration 4 leaves the types as
 * they are): a mileage of three billion km, a company id of 1e23 or a car state of 70000
 * is a typing error in RentProg, not a car. A wider type would still refuse the next such
 * value and would rewrite the whole table under an exclusive lock, so a value outside its
 * column's type becomes NULL there while `data` keeps it as RentProg sent it.
 */
const INTEGER_RANGES = {
  smallint: [-32_768, 32_767],
  integer: [-2_147_483_648, 2_147_483_647],
  bigint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
} as const;

// `toISOString` writes years past 9999 as `+010000-…`, which Postgres does not read.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T/;

/** The value as its column can hold it, or null when the column's type cannot hold it. */
export function columnValue(type: SqlType, value: unknown): ColumnValue {
  switch (type) {
    case 'smallint':
    case 'integer':
    case 'bigint': {
      const [min, max] = INTEGER_RANGES[type];
      return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
        ? (value as number)
        : null;
    }
    case 'numeric':
      return Number.isFinite(value) ? (value as number) : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'text':
      return typeof value === 'string' ? value : null;
    case 'timestamptz':
      return typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value))
        ? value
        : null;
  }
}
