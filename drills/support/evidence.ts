import { Client, Connection } from '@temporalio/client';
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { historyText } from '../../harness/history.js';

/**
 * Everything the drills' processes wrote and every workflow history they made, kept as
 * files so the secrets scan can read all of it at the end of the run.
 */
export class Evidence {
  /** What could not be kept, so the secrets scan knows its evidence is incomplete. */
  readonly missing: string[] = [];
  private files = 0;

  private constructor(readonly dir: string) {}

  static async create(dir: string): Promise<Evidence> {
    await mkdir(dir, { recursive: true });
    return new Evidence(dir);
  }

  private next(kind: 'log' | 'histories', name: string): string {
    this.files++;
    return path.join(this.dir, `${kind}-${String(this.files).padStart(3, '0')}-${name}.txt`);
  }

  /** A file for one process's output, written as it arrives. */
  logFile(name: string): WriteStream {
    return createWriteStream(this.next('log', name));
  }

  /** Keeps a log another program wrote (Postgres writes its own). */
  async keepLog(file: string, name: string): Promise<void> {
    await copyFile(file, this.next('log', name)).catch((err: unknown) => {
      this.missing.push(`log of ${name}: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  /** Every run of every workflow on the server, its history as readable text, one line each. */
  async saveHistories(address: string, name: string): Promise<void> {
    try {
      await this.writeHistories(address, name);
    } catch (err) {
      this.missing.push(`histories of ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async writeHistories(address: string, name: string): Promise<void> {
    const connection = await Connection.connect({ address, connectTimeout: 10_000 });
    const file = await open(this.next('histories', name), 'w');
    try {
      const client = new Client({ connection });
      const runs: { workflowId: string; runId: string }[] = [];
      for await (const run of client.workflow.list()) runs.push(run);
      let next = 0;
      // A few fetches at a time: the fuzz drill leaves thousands of runs behind.
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < runs.length) {
            const { workflowId, runId } = runs[next++]!;
            const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
            await file.write(`${workflowId} ${runId} ${historyText(history)}\n`);
          }
        }),
      );
    } finally {
      await file.close();
      await connection.close();
    }
  }

  async list(): Promise<{ kind: 'log' | 'histories'; file: string }[]> {
    const names = (await readdir(this.dir)).sort();
    return names.map((name) => ({
      kind: name.startsWith('histories-') ? 'histories' : 'log',
      file: path.join(this.dir, name),
    }));
  }
}
