import type { Queryable } from '../store/db.js';
import { storable, unstorable } from '../store/storable.js';
import type { DeadLetter, Spool, SpooledEntry, SpoolEntry } from './spool.js';

type InboxRow = { seq: number; kind: 'event' | 'quarantine'; input: never; spooled_at: Date };

/**
 * The spool in Postgres (`webhook_inbox`), for deployments with DATABASE_URL: shared by
 * every ingress replica, so any relay may drain it (a start raced by two relays is just
 * a duplicate). If Postgres is down as well, appends fail and the ingress answers 503.
 * Dead letters move to `webhook_dead_letters` in the same statement.
 */
export class PostgresSpool implements Spool {
  private known = 0;

  constructor(private readonly db: Queryable) {}

  async append(entry: SpoolEntry): Promise<void> {
    await this.db.query('INSERT INTO webhook_inbox (kind, input, spooled_at) VALUES ($1, $2::jsonb, $3)', [
      entry.kind,
      // A webhook may carry NUL or a lone surrogate, which jsonb refuses: escaped, and undone on read.
      JSON.stringify(storable(entry.input)),
      entry.spooledAt,
    ]);
    this.known++;
  }

  async pending(limit = 100): Promise<SpooledEntry[]> {
    const rows = await this.db.query<InboxRow>(
      'SELECT seq, kind, input, spooled_at FROM webhook_inbox ORDER BY seq LIMIT $1',
      [limit],
    );
    const [count] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_inbox');
    this.known = count?.n ?? rows.length;
    return rows.map(toEntry);
  }

  async ack(seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    const deleted = await this.db.query(
      'DELETE FROM webhook_inbox WHERE seq = ANY($1::bigint[]) RETURNING seq',
      [seqs],
    );
    this.known = Math.max(0, this.known - deleted.length);
  }

  async deadLetter(entry: SpooledEntry, reason: string): Promise<void> {
    const moved = await this.db.query(
      `WITH moved AS (DELETE FROM webhook_inbox WHERE seq = $1 RETURNING seq, kind, input, spooled_at)
       INSERT INTO webhook_dead_letters (seq, kind, input, reason, spooled_at)
       SELECT seq, kind, input, $2, spooled_at FROM moved
       ON CONFLICT (seq) DO NOTHING
       RETURNING seq`,
      [entry.seq, reason],
    );
    this.known = Math.max(0, this.known - moved.length);
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const rows = await this.db.query<InboxRow & { reason: string; dead_at: Date }>(
      `SELECT seq, kind, input, spooled_at, reason, dead_at FROM webhook_dead_letters
        ORDER BY dead_at DESC, seq DESC LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      entry: toEntry(row),
      reason: row.reason,
      deadAt: row.dead_at.toISOString(),
    }));
  }

  async deadLetterCount(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_dead_letters');
    return row?.n ?? 0;
  }

  depth(): number {
    return this.known;
  }
}

const toEntry = (row: InboxRow): SpooledEntry => ({
  seq: row.seq,
  kind: row.kind,
  input: unstorable(row.input),
  spooledAt: row.spooled_at.toISOString(),
});
