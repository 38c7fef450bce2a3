import { columnValue } from './column-values.js';
import type { Queryable } from './db.js';
import { type ColumnsOf, type EntityKind, ENTITY_TABLES, type SqlType } from './entity-tables.js';
import { storable } from './storable.js';

/** One RentProg record as we store it. Timestamps are ISO strings. */
export interface EntityRow<K extends EntityKind = EntityKind> {
  rentprogId: number;
  columns: ColumnsOf<K>;
  data: Record<string, unknown>;
  /** RentProg's own change time where the entity has one (bookings do not, docs/rentprog-api.md, Entities). */
  rentprogUpdatedAt?: string | null;
  /** When we read this version from RentProg: the clock newer-wins falls back on. */
  fetchedAt: string;
  /** True when the record came from a single-entity endpoint rather than a list page. */
  fromDetails?: boolean;
  /** True when a sync walk saw it. */
  seenBySync?: boolean;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  /** Rows skipped because the stored version is newer. */
  stale: number;
}

/** Ids a sync walk saw, and when: their rows are marked seen whether or not their data was newer. */
export interface SeenIds {
  rentprogIds: number[];
  at: string;
}

/**
 * Inserts or updates a batch of one branch's entities in one statement. A row is only
 * replaced by a version that is at least as new: first by RentProg's `updated_at`
 * where both sides have one, then by our fetch time. Writing the same row twice is
 * harmless (idempotent), which activities rely on because they may run more than once.
 * With `seen`, the same statement also does what `markSeen` does for those ids, saving
 * a sync page its second round trip.
 */
export async function upsertEntities<K extends EntityKind>(
  db: Queryable,
  kind: K,
  branch: string,
  rows: EntityRow<K>[],
  seen?: SeenIds,
): Promise<UpsertResult> {
  if (rows.length === 0) {
    if (seen) await markSeen(db, kind, branch, seen.rentprogIds, seen.at);
    return { inserted: 0, updated: 0, stale: 0 };
  }
  const statement = upsertStatement(kind);
  const latest = newestPerId(rows);
  // Values are serialised here only: each column gets what its type can hold (or NULL),
  // and every string, `data` included, what Postgres can store (see storable.ts).
  const records = latest.map((row) => {
    const record: Record<string, unknown> = { rentprog_id: row.rentprogId };
    const columns = row.columns as Record<string, unknown>;
    for (const [name, type] of statement.columns) record[name] = columnValue(type, columns[name]);
    record.data = row.data;
    record.rentprog_updated_at = columnValue('timestamptz', row.rentprogUpdatedAt);
    record.fetched_at = row.fetchedAt;
    record.details_fetched_at = row.fromDetails ? row.fetchedAt : null;
    record.synced_at = row.seenBySync ? row.fetchedAt : null;
    return record;
  });

  const result = await db.query<{ inserted: boolean }>(seen ? statement.withSeen : statement.plain, [
    branch,
    storableJson(records),
    ...(seen ? [seen.rentprogIds, seen.at] : []),
  ]);
  const inserted = result.filter((r) => r.inserted).length;
  return { inserted, updated: result.length - inserted, stale: records.length - result.length };
}

interface UpsertStatement {
  columns: [string, SqlType][];
  plain: string;
  withSeen: string;
}

const upsertStatements = new Map<EntityKind, UpsertStatement>();

/** The upsert's SQL depends only on the kind, so it is built once per kind. */
function upsertStatement(kind: EntityKind): UpsertStatement {
  const known = upsertStatements.get(kind);
  if (known) return known;
  const { table, columns } = ENTITY_TABLES[kind];
  const names = Object.keys(columns);
  const types = Object.values(columns) as SqlType[];
  const recordType = [
    'rentprog_id bigint',
    ...names.map((name, i) => `${name} ${types[i]}`),
    'data jsonb',
    'rentprog_updated_at timestamptz',
    'fetched_at timestamptz',
    'details_fetched_at timestamptz',
    'synced_at timestamptz',
  ].join(', ');
  const copied = [...names, 'data', 'rentprog_updated_at', 'fetched_at'];
  const upsert = `INSERT INTO ${table} AS t
       (branch, rentprog_id, ${copied.join(', ')}, details_fetched_at, synced_at)
     SELECT $1, r.rentprog_id, ${copied.map((c) => `r.${c}`).join(', ')}, r.details_fetched_at, r.synced_at
       FROM jsonb_to_recordset($2::jsonb) AS r(${recordType})
     ON CONFLICT (branch, rentprog_id) DO UPDATE SET
       ${copied.map((c) => `${c} = excluded.${c}`).join(',\n       ')},
       details_fetched_at = COALESCE(excluded.details_fetched_at, t.details_fetched_at),
       synced_at = COALESCE(excluded.synced_at, t.synced_at),
       deleted_at = NULL,
       updated_at = now()
     WHERE excluded.fetched_at >= t.fetched_at
       AND (excluded.rentprog_updated_at IS NULL OR t.rentprog_updated_at IS NULL
            OR excluded.rentprog_updated_at >= t.rentprog_updated_at)`;
  // A statement may change a row once: the rows the upsert wrote are left out of the
  // marking (the upsert set their synced_at already), and the others are marked as markSeen does.
  const statement: UpsertStatement = {
    columns: names.map((name, i) => [name, types[i]!]),
    plain: `${upsert}
     RETURNING (xmax = 0) AS inserted`,
    withSeen: `WITH written AS (${upsert}
     RETURNING rentprog_id, (xmax = 0) AS inserted),
     seen AS (
       UPDATE ${table} SET synced_at = GREATEST(COALESCE(synced_at, $4), $4)
        WHERE branch = $1 AND rentprog_id = ANY($3::bigint[])
          AND rentprog_id NOT IN (SELECT rentprog_id FROM written))
     SELECT inserted FROM written`,
  };
  upsertStatements.set(kind, statement);
  return statement;
}

// What storable() escapes shows in JSON text as \u0000, a \ud800-\udfff escape (JSON.stringify
// writes lone surrogates so) or the escape symbols themselves; most pages hold none, and
// testing their JSON once is much cheaper than walking every record.
const MAY_NEED_ESCAPE = /\\u(?:0000|d[89a-f])|[\u2400\u241b]/i;

/** The records as JSON Postgres can store (see storable.ts). */
function storableJson(records: Record<string, unknown>[]): string {
  const json = JSON.stringify(records);
  return MAY_NEED_ESCAPE.test(json) ? JSON.stringify(storable(records)) : json;
}

/**
 * Marks entities deleted or archived in RentProg. The deletion counts as a version at
 * `at`, so an older fetch cannot bring the row back, while a newer one does.
 */
export async function markEntitiesDeleted(
  db: Queryable,
  kind: EntityKind,
  branch: string,
  rentprogIds: number[],
  at: string,
): Promise<number> {
  if (rentprogIds.length === 0) return 0;
  const { table } = ENTITY_TABLES[kind];
  const rows = await db.query(
    `UPDATE ${table}
        SET deleted_at = $3, fetched_at = GREATEST(fetched_at, $3), updated_at = now()
      WHERE branch = $1 AND rentprog_id = ANY($2::bigint[]) AND fetched_at <= $3 AND deleted_at IS NULL
      RETURNING rentprog_id`,
    [branch, rentprogIds, at],
  );
  return rows.length;
}

/**
 * A car moved to `branch` (its `company_id` changed): rows of the same RentProg id under
 * other branches are marked deleted there, as of `at`.
 */
export async function markMovedTo(
  db: Queryable,
  kind: EntityKind,
  rentprogId: number,
  branch: string,
  at: string,
) {
  const { table } = ENTITY_TABLES[kind];
  const rows = await db.query(
    `UPDATE ${table}
        SET deleted_at = $3, fetched_at = GREATEST(fetched_at, $3), updated_at = now()
      WHERE rentprog_id = $1 AND branch <> $2 AND fetched_at <= $3 AND deleted_at IS NULL
      RETURNING branch`,
    [rentprogId, branch, at],
  );
  return rows.length;
}

/** Notes that a sync walk saw these rows at `at`, whether or not their data was newer. */
export async function markSeen(
  db: Queryable,
  kind: EntityKind,
  branch: string,
  rentprogIds: number[],
  at: string,
) {
  if (rentprogIds.length === 0) return;
  const { table } = ENTITY_TABLES[kind];
  await db.query(
    `UPDATE ${table} SET synced_at = GREATEST(COALESCE(synced_at, $3), $3)
      WHERE branch = $1 AND rentprog_id = ANY($2::bigint[])`,
    [branch, rentprogIds, at],
  );
}

/**
 * After a full walk: rows of the branch that the walk did not see (and that nothing
 * wrote since it began) are gone from RentProg, archived or deleted. Returns how many.
 */
export async function markUnseenDeleted(
  db: Queryable,
  kind: EntityKind,
  branch: string,
  walkStartedAt: string,
  at: string,
) {
  const { table } = ENTITY_TABLES[kind];
  const rows = await db.query(
    `UPDATE ${table}
        SET deleted_at = $3, fetched_at = GREATEST(fetched_at, $3), updated_at = now()
      WHERE branch = $1 AND deleted_at IS NULL AND fetched_at < $2
        AND (synced_at IS NULL OR synced_at < $2)
      RETURNING rentprog_id`,
    [branch, walkStartedAt, at],
  );
  return rows.length;
}

/** Keeps one row per id within a batch (a statement may touch a row only once): the newest. */
function newestPerId<K extends EntityKind>(rows: EntityRow<K>[]): EntityRow<K>[] {
  const byId = new Map<number, EntityRow<K>>();
  for (const row of rows) {
    const seen = byId.get(row.rentprogId);
    if (!seen || Date.parse(row.fetchedAt) >= Date.parse(seen.fetchedAt)) byId.set(row.rentprogId, row);
  }
  return [...byId.values()];
}
