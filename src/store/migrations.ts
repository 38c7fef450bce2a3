import type { Db } from './db.js';

/**
 * Schema changes in order. Append only: a released migration is never edited, because
 * databases that already ran it would silently differ from new ones.
 */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'entities, webhook events, sync runs',
    sql: `
      CREATE TABLE cars (
        branch              text        NOT NULL,
        rentprog_id         bigint      NOT NULL,
        company_id          bigint,
        car_name            text,
        code                text,
        number              text,
        state               smallint,
        active              boolean,
        mileage             integer,
        data                jsonb       NOT NULL,
        rentprog_updated_at timestamptz,
        fetched_at          timestamptz NOT NULL,
        details_fetched_at  timestamptz,
        synced_at           timestamptz,
        deleted_at          timestamptz,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (branch, rentprog_id)
      );

      CREATE TABLE clients (
        branch              text        NOT NULL,
        rentprog_id         bigint      NOT NULL,
        company_id          bigint,
        name                text,
        lastname            text,
        middlename          text,
        phone               text,
        email               text,
        category            text,
        data                jsonb       NOT NULL,
        rentprog_updated_at timestamptz,
        fetched_at          timestamptz NOT NULL,
        details_fetched_at  timestamptz,
        synced_at           timestamptz,
        deleted_at          timestamptz,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (branch, rentprog_id)
      );

      CREATE TABLE bookings (
        branch              text        NOT NULL,
        rentprog_id         bigint      NOT NULL,
        number              integer,
        car_id              bigint,
        client_id           bigint,
        state               text,
        active              boolean,
        in_rent             boolean,
        archive             boolean,
        technical           boolean,
        start_at            timestamptz,
        end_at              timestamptz,
        total               numeric,
        deposit             numeric,
        data                jsonb       NOT NULL,
        rentprog_updated_at timestamptz,
        fetched_at          timestamptz NOT NULL,
        details_fetched_at  timestamptz,
        synced_at           timestamptz,
        deleted_at          timestamptz,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (branch, rentprog_id)
      );
      CREATE INDEX bookings_branch_start_at ON bookings (branch, start_at);
      CREATE INDEX bookings_branch_end_at ON bookings (branch, end_at);
      CREATE INDEX bookings_branch_car ON bookings (branch, car_id);

      CREATE TABLE webhook_events (
        event_id     text        PRIMARY KEY,
        branch       text        NOT NULL,
        type         text        NOT NULL,
        raw_event    text        NOT NULL,
        entity       text        NOT NULL,
        rentprog_id  bigint,
        workflow_id  text        NOT NULL,
        status       text        NOT NULL DEFAULT 'received'
                     CHECK (status IN ('received', 'processed', 'not_found', 'failed', 'unparsed')),
        error        text,
        attempts     integer     NOT NULL DEFAULT 0,
        payload      jsonb,
        received_at  timestamptz NOT NULL,
        processed_at timestamptz,
        updated_at   timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_events_branch_received ON webhook_events (branch, received_at DESC);
      CREATE INDEX webhook_events_entity ON webhook_events (branch, entity, rentprog_id);

      CREATE TABLE sync_runs (
        id          bigserial   PRIMARY KEY,
        branch      text        NOT NULL,
        workflow_id text        NOT NULL,
        run_key     text        NOT NULL UNIQUE,
        kinds       text[]      NOT NULL,
        full_sync   boolean     NOT NULL DEFAULT false,
        status      text        NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed')),
        counts      jsonb       NOT NULL DEFAULT '{}'::jsonb,
        error       text,
        started_at  timestamptz NOT NULL,
        finished_at timestamptz
      );
      CREATE INDEX sync_runs_branch_started ON sync_runs (branch, started_at DESC);
    `,
  },
  {
    version: 2,
    name: 'webhook inbox (outage spool)',
    sql: `
      CREATE TABLE webhook_inbox (
        seq        bigserial   PRIMARY KEY,
        kind       text        NOT NULL CHECK (kind IN ('event', 'quarantine')),
        input      jsonb       NOT NULL,
        spooled_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'webhook dead letters, quarantined bodies',
    sql: `
      CREATE TABLE webhook_dead_letters (
        seq         bigint      PRIMARY KEY,
        kind        text        NOT NULL CHECK (kind IN ('event', 'quarantine')),
        input       jsonb       NOT NULL,
        reason      text        NOT NULL,
        spooled_at  timestamptz NOT NULL,
        dead_at     timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE webhook_bodies (
        sha256       text        PRIMARY KEY,
        branch       text        NOT NULL,
        content_type text        NOT NULL,
        body         bytea       NOT NULL,
        received_at  timestamptz NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'sync rejects: records Postgres refused, counted per run',
    sql: `
      ALTER TABLE sync_runs ADD COLUMN rejects integer NOT NULL DEFAULT 0;

      CREATE TABLE sync_rejects (
        id          bigserial   PRIMARY KEY,
        branch      text        NOT NULL,
        kind        text        NOT NULL CHECK (kind IN ('car', 'client', 'booking')),
        rentprog_id bigint      NOT NULL,
        reason      text        NOT NULL,
        record      jsonb       NOT NULL,
        sync_run_id bigint      REFERENCES sync_runs (id),
        rejected_at timestamptz NOT NULL DEFAULT now()
      );
      -- One row per record and run however often a retried slice meets it, and one per
      -- record for rejects met by webhooks (no run); COALESCE rather than NULLS NOT
      -- DISTINCT, which needs Postgres 15.
      CREATE UNIQUE INDEX sync_rejects_once
        ON sync_rejects (branch, kind, rentprog_id, (COALESCE(sync_run_id, 0)));
      CREATE INDEX sync_rejects_run ON sync_rejects (sync_run_id);
      CREATE INDEX sync_rejects_branch_rejected ON sync_rejects (branch, rejected_at DESC);
    `,
  },
  {
    version: 5,
    name: 'telegram deliveries, incidents, health probe streaks',
    sql: `
      -- One row per message we mean to send: claimed before the send, so a retried
      -- activity never sends the same message twice (at most once per key and chat).
      CREATE TABLE telegram_deliveries (
        key         text        NOT NULL,
        chat_id     text        NOT NULL,
        state       text        NOT NULL CHECK (state IN ('sending', 'sent', 'unsent', 'uncertain')),
        message_ids bigint[]    NOT NULL DEFAULT '{}',
        error       text,
        claimed_at  timestamptz NOT NULL DEFAULT now(),
        sent_at     timestamptz,
        PRIMARY KEY (key, chat_id)
      );

      -- What is broken now, and what was: one open row per incident key at most.
      CREATE TABLE incidents (
        id              bigserial   PRIMARY KEY,
        key             text        NOT NULL,
        kind            text        NOT NULL,
        branch          text,
        detail          text        NOT NULL,
        occurrences     integer     NOT NULL DEFAULT 1,
        opened_at       timestamptz NOT NULL DEFAULT now(),
        last_seen_at    timestamptz NOT NULL DEFAULT now(),
        last_alerted_at timestamptz,
        resolved_at     timestamptz
      );
      CREATE UNIQUE INDEX incidents_open_once ON incidents (key) WHERE resolved_at IS NULL;
      CREATE INDEX incidents_opened ON incidents (opened_at DESC);

      -- Consecutive failures per health probe: two in a row open an incident.
      CREATE TABLE health_probe_streaks (
        name                 text        PRIMARY KEY,
        consecutive_failures integer     NOT NULL DEFAULT 0,
        last_reason          text,
        checked_at           timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

// Any constant works; it only has to be the same for every process running migrations.
const MIGRATION_LOCK_KEY = 7_340_001;

/** Applies pending migrations in one transaction; concurrent starters wait on an advisory lock. */
export async function migrate(db: Db): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
    );
    const pending = MIGRATIONS.filter((m) => !applied.has(m.version));
    for (const migration of pending) {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    return pending.map((m) => m.version);
  });
}
