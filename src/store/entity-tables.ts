/** The RentProg entities we mirror, each in its own table keyed by (branch, rentprog_id). */
export const ENTITY_KINDS = ['car', 'client', 'booking'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export type SqlType = 'bigint' | 'integer' | 'smallint' | 'text' | 'boolean' | 'timestamptz' | 'numeric';

/**
 * Typed key columns per table, copied out of `data` so operators can filter and join
 * without digging into jsonb. The full record always stays in `data`; a value its column's
 * type cannot hold is NULL in the column (column-values.ts).
 */
export const ENTITY_TABLES = {
  car: {
    table: 'cars',
    columns: {
      company_id: 'bigint',
      car_name: 'text',
      code: 'text',
      number: 'text',
      state: 'smallint',
      active: 'boolean',
      mileage: 'integer',
    },
  },
  client: {
    table: 'clients',
    columns: {
      company_id: 'bigint',
      name: 'text',
      lastname: 'text',
      middlename: 'text',
      phone: 'text',
      email: 'text',
      category: 'text',
    },
  },
  booking: {
    table: 'bookings',
    columns: {
      number: 'integer',
      car_id: 'bigint',
      client_id: 'bigint',
      state: 'text',
      active: 'boolean',
      in_rent: 'boolean',
      archive: 'boolean',
      technical: 'boolean',
      start_at: 'timestamptz',
      end_at: 'timestamptz',
      total: 'numeric',
      deposit: 'numeric',
    },
  },
} as const satisfies Record<EntityKind, { table: string; columns: Record<string, SqlType> }>;

export type ColumnsOf<K extends EntityKind> = {
  [C in keyof (typeof ENTITY_TABLES)[K]['columns']]?: string | number | boolean | null;
};
