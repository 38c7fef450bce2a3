import path from 'node:path';
import type { DeadLetter } from '../spool.js';
import { encodeFrame, type Frame, scanFrames } from './frames.js';
import { openIfPresent, syncDir, truncateDurably, writeDurably } from './fs.js';

export const DEAD_LETTERS_FILE = 'dead-letters.log';

/**
 * Entries Temporal refused for good, one frame each (seq = the entry's), append-only and
 * fsync'd. Kept for a person, so never deleted by the spool and not counted in its size.
 */
export class DeadLetterLog {
  private constructor(
    private readonly dir: string,
    private size: number,
    private letters: number,
  ) {}

  /** Counts the letters and cuts a torn tail left by a crash mid-append. */
  static async open(dir: string): Promise<DeadLetterLog> {
    const file = path.join(dir, DEAD_LETTERS_FILE);
    let letters = 0;
    const scan = await scanFile(file, () => letters++);
    if (scan.fault) await truncateDurably(file, scan.end);
    return new DeadLetterLog(dir, scan.end, letters);
  }

  count(): number {
    return this.letters;
  }

  async append(letter: DeadLetter): Promise<void> {
    const file = path.join(this.dir, DEAD_LETTERS_FILE);
    const frame = encodeFrame(letter.entry.seq, Buffer.from(JSON.stringify(letter)));
    await writeDurably(file, [frame], this.size);
    if (this.size === 0) await syncDir(this.dir);
    this.size += frame.length;
    this.letters++;
  }
}

/**
 * The newest dead letters first, read by streaming the file: for other processes (the
 * `status` command) too, which only read and leave a torn tail to the spool's owner.
 */
export async function readFileDeadLetters(dir: string, limit = 100): Promise<DeadLetter[]> {
  if (limit <= 0) return [];
  const file = path.join(dir, DEAD_LETTERS_FILE);
  // The last `limit` payloads in a ring: memory bounded by what is returned, not the file.
  const ring: Buffer[] = [];
  let seen = 0;
  await scanFile(file, (frame) => {
    ring[seen % limit] = Buffer.from(frame.payload);
    seen++;
  });
  const letters: DeadLetter[] = [];
  for (let index = seen - 1; index >= Math.max(0, seen - limit); index--) {
    letters.push(parseLetter(ring[index % limit]!, file, index));
  }
  return letters;
}

export async function countFileDeadLetters(dir: string): Promise<number> {
  let letters = 0;
  await scanFile(path.join(dir, DEAD_LETTERS_FILE), () => letters++);
  return letters;
}

/** A missing file (or directory) holds no letters. */
async function scanFile(file: string, onFrame: (frame: Frame) => void) {
  const handle = await openIfPresent(file);
  if (!handle) return { end: 0 };
  try {
    return await scanFrames(handle, (frame) => {
      onFrame(frame);
      return true;
    });
  } finally {
    await handle.close();
  }
}

// JSON.parse quotes the text it fails on, and a letter holds personal data.
function parseLetter(payload: Buffer, file: string, index: number): DeadLetter {
  try {
    return JSON.parse(payload.toString('utf8')) as DeadLetter;
  } catch {
    throw new Error(`dead letter #${index + 1} in ${file} is not valid JSON`);
  }
}
