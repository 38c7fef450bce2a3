import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DeadLetter, Spool, SpooledEntry, SpoolEntry } from './spool.js';

/**
 * The embedded spool: an append-only JSON-lines file, fsync'd on every append, plus an
 * append-only file of acknowledged sequence numbers. Both are emptied once everything
 * has been relayed. Appends are serialised so lines never interleave.
 */
export class FileSpool implements Spool {
  private entries: SpooledEntry[] = [];
  private nextSeq = 1;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly entriesFile: string,
    private readonly acksFile: string,
  ) {}

  static async open(dir: string): Promise<FileSpool> {
    await mkdir(dir, { recursive: true });
    const spool = new FileSpool(path.join(dir, 'webhook-spool.jsonl'), path.join(dir, 'webhook-spool.acks'));
    const lines = await readLines(spool.entriesFile);
    const acked = new Set((await readLines(spool.acksFile)).map(Number));
    for (const line of lines) {
      // A torn last line (a crash mid-write) was never acknowledged to anyone: skip it.
      const entry = parseEntry(line);
      if (!entry) continue;
      spool.nextSeq = Math.max(spool.nextSeq, entry.seq + 1);
      if (!acked.has(entry.seq)) spool.entries.push(entry);
    }
    return spool;
  }

  append(entry: SpoolEntry): Promise<void> {
    return this.serially(async () => {
      const spooled = { ...entry, seq: this.nextSeq };
      await appendDurably(this.entriesFile, `${JSON.stringify(spooled)}\n`);
      this.nextSeq++;
      this.entries.push(spooled);
    });
  }

  pending(limit = 100): Promise<SpooledEntry[]> {
    return Promise.resolve(this.entries.slice(0, limit));
  }

  ack(seqs: number[]): Promise<void> {
    const done = new Set(seqs);
    return this.serially(async () => {
      this.entries = this.entries.filter((entry) => !done.has(entry.seq));
      if (this.entries.length === 0) {
        await rm(this.entriesFile, { force: true });
        await rm(this.acksFile, { force: true });
      } else {
        await appendDurably(this.acksFile, seqs.map((seq) => `${seq}\n`).join(''));
      }
    });
  }

  async deadLetter(entry: SpooledEntry, reason: string): Promise<void> {
    const letter: DeadLetter = { entry, reason, deadAt: new Date().toISOString() };
    await appendDurably(this.deadLettersFile, `${JSON.stringify(letter)}\n`);
    await this.ack([entry.seq]);
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const lines = await readLines(this.deadLettersFile);
    return lines
      .slice(-limit)
      .reverse()
      .map((line) => JSON.parse(line) as DeadLetter);
  }

  async deadLetterCount(): Promise<number> {
    return (await readLines(this.deadLettersFile)).length;
  }

  private get deadLettersFile(): string {
    return path.join(path.dirname(this.entriesFile), 'dead-letters.jsonl');
  }

  depth(): number {
    return this.entries.length;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

async function appendDurably(file: string, text: string): Promise<void> {
  const handle = await open(file, 'a');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readLines(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
}

function parseEntry(line: string): SpooledEntry | undefined {
  try {
    const entry = JSON.parse(line) as SpooledEntry;
    return typeof entry.seq === 'number' && (entry.kind === 'event' || entry.kind === 'quarantine')
      ? entry
      : undefined;
  } catch {
    return undefined;
  }
}
