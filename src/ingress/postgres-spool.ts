import type { Queryable } from '../store/db.js';
import type { Spool, SpooledEntry, SpoolEntry } from './spool.js';

/**
 * The spool in Postgres (`webhook_inbox`), for deployments with DATABASE_URL: shared by
 * every ingress replica, so any relay may drain it (a start raced by two relays is just
 * a duplicate). If Postgres is down as well, appends fail and the ingress answers 503.
 */
export class PostgresSpool implements Spool {
  private known = 0;

  constructor(private readonly db: Queryable) {}

  async append(entry: SpoolEntry): Promise<void> {
    await this.db.query('INSERT INTO webhook_inbox (kind, input, spooled_at) VALUES ($1, $2::jsonb, $3)', [
      entry.kind,
      JSON.stringify(entry.input),
      entry.spooledAt,
    ]);
    this.known++;
  }

  async pending(limit = 100): Promise<SpooledEntry[]> {
    const rows = await this.db.query<{
      seq: number;
      kind: 'event' | 'quarantine';
      input: never;
      spooled_at: Date;
    }>('SELECT seq, kind, input, spooled_at FROM webhook_inbox ORDER BY seq LIMIT $1', [limit]);
    const [count] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_inbox');
    this.known = count?.n ?? rows.length;
    return rows.map((row) => ({
      seq: row.seq,
      kind: row.kind,
      input: row.input,
      spooledAt: row.spooled_at.toISOString(),
    }));
  }

  async ack(seq: number): Promise<void> {
    const deleted = await this.db.query('DELETE FROM webhook_inbox WHERE seq = $1 RETURNING seq', [seq]);
    if (deleted.length > 0) this.known = Math.max(0, this.known - 1);
  }

  depth(): number {
    return this.known;
  }
}
