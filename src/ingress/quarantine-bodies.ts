import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Queryable } from '../store/db.js';

export interface QuarantinedBody {
  sha256: string;
  branch: string;
  contentType: string;
  body: Buffer;
  receivedAt: string;
}

/** Where the raw bodies of quarantined webhooks are kept, so an engineer can fix the parser and replay them. */
export interface QuarantineBodies {
  /** Resolves once the body is stored durably; returns the reference the workflow carries. */
  put(body: QuarantinedBody): Promise<string>;
  get(sha256: string): Promise<Buffer | undefined>;
}

/** `webhook_bodies` in Postgres, for deployments with DATABASE_URL. */
export class PostgresQuarantineBodies implements QuarantineBodies {
  constructor(private readonly db: Queryable) {}

  async put(body: QuarantinedBody): Promise<string> {
    await this.db.query(
      `INSERT INTO webhook_bodies (sha256, branch, content_type, body, received_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING`,
      [body.sha256, body.branch, body.contentType, body.body, body.receivedAt],
    );
    return `postgres:webhook_bodies/${body.sha256}`;
  }

  async get(sha256: string): Promise<Buffer | undefined> {
    const [row] = await this.db.query<{ body: Uint8Array }>(
      'SELECT body FROM webhook_bodies WHERE sha256 = $1',
      [sha256],
    );
    return row ? Buffer.from(row.body) : undefined;
  }
}

/** One file per body under DATA_DIR/quarantine (embedded mode), private to the service's user. */
export class FileQuarantineBodies implements QuarantineBodies {
  constructor(private readonly dir: string) {}

  async put(body: QuarantinedBody): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const file = this.fileOf(body.sha256);
    const handle = await open(file, 'w', 0o600);
    try {
      await handle.writeFile(body.body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return `file:${file}`;
  }

  async get(sha256: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.fileOf(sha256));
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private fileOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('a quarantined body is named by its SHA-256');
    return path.join(this.dir, `${sha256}.body`);
  }
}
