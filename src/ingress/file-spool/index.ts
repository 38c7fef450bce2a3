import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { type DeadLetter, type Spool, type SpooledEntry, type SpoolEntry, SpoolFullError } from '../spool.js';
import { DeadLetterLog, readFileDeadLetters } from './dead-letters.js';
import { decodeFrame, encodeFrame, FRAME_HEADER_BYTES, MAX_FRAME_PAYLOAD_BYTES } from './frames.js';
import { createDurably, ensurePrivateDir, syncDir, UnrecoverableWriteError, writeDurably } from './fs.js';
import { importLegacySpool } from './legacy-import.js';
import { recoverSegments } from './recovery.js';
import { SegmentIndex } from './segment.js';

export { countFileDeadLetters, readFileDeadLetters } from './dead-letters.js';

export interface FileSpoolOptions {
  /** Bytes of segment files and ack logs beyond which appends are refused with SpoolFullError. */
  maxBytes?: number;
  /** A new segment is started when the next frame would take the current one past this size. */
  segmentBytes?: number;
}

const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;
/** Consecutive frames are read back in one read up to this size. */
const READ_RUN_BYTES = 1024 * 1024;
/** An ack is a frame without payload: fixed size, so a torn one is recognised like any frame. */
const NO_PAYLOAD = Buffer.alloc(0);

interface WaitingAppend {
  payload: Buffer;
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The embedded spool (no DATABASE_URL). Entries are checksummed frames in segment files
 * `segment-<first seq>.log`; acks (and dead-lettering) append empty frames to the
 * segment's `.acks` log; a segment whose entries are all done is deleted. Memory holds
 * an index of offsets, not entries. Every change is fsync'd before it resolves, and
 * appends waiting while a write is in flight share the next write and fsync.
 */
export class FileSpool implements Spool {
  private live: number;
  private diskBytes: number;
  private reservedBytes = 0;
  private waiting: WaitingAppend[] = [];
  private flushScheduled = false;
  private lane: Promise<unknown> = Promise.resolve();
  private broken: Error | undefined;

  private constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly segmentBytes: number,
    /** Oldest first; the last one is appended to, and its name carries the next seq. */
    private readonly segments: SegmentIndex[],
    private readonly deadLetterLog: DeadLetterLog,
  ) {
    this.live = segments.reduce((sum, segment) => sum + segment.live, 0);
    this.diskBytes = segments.reduce((sum, segment) => sum + segment.size + segment.ackBytes, 0);
  }

  static async open(dir: string, options: FileSpoolOptions = {}): Promise<FileSpool> {
    const maxBytes = positiveInteger(options.maxBytes ?? DEFAULT_MAX_BYTES, 'maxBytes');
    const segmentBytes = positiveInteger(options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, 'segmentBytes');
    await ensurePrivateDir(dir);
    let segments = await recoverSegments(dir);
    // In full even past maxBytes: appends are refused until the relay drains it, but nothing is dropped.
    if (await importLegacySpool(dir, segments.at(-1)?.nextSeq ?? 1)) segments = await recoverSegments(dir);
    const spool = new FileSpool(dir, maxBytes, segmentBytes, segments, await DeadLetterLog.open(dir));
    // A crash between a segment's last ack and its deletion leaves it behind, finished.
    const finished = segments.filter((s) => s.live === 0 && (s.count > 0 || s !== segments.at(-1)));
    for (const segment of finished) await spool.retire(segment);
    return spool;
  }

  /** Entries keep the order of the calls, also when they share a write. */
  async append(entry: SpoolEntry): Promise<void> {
    if (this.broken) throw this.broken;
    const payload = Buffer.from(JSON.stringify(entry));
    if (payload.length > MAX_FRAME_PAYLOAD_BYTES) {
      throw new Error(`spool ${this.dir}: an entry of ${payload.length} bytes is too large to spool`);
    }
    const bytes = FRAME_HEADER_BYTES + payload.length;
    const used = this.diskBytes + this.reservedBytes;
    if (used + bytes > this.maxBytes) {
      throw new SpoolFullError(
        `spool ${this.dir} is full: ${used} of ${this.maxBytes} bytes in use, ${this.live} entries waiting`,
      );
    }
    this.reservedBytes += bytes;
    await new Promise<void>((resolve, reject) => {
      this.waiting.push({ payload, bytes, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        void this.exclusive(() => this.flush());
      }
    });
  }

  pending(limit = 100): Promise<SpooledEntry[]> {
    return this.exclusive(async () => {
      const entries: SpooledEntry[] = [];
      for (const segment of this.segments) {
        if (entries.length >= limit) break;
        const seqs = segment.liveSeqs(limit - entries.length);
        if (seqs.length > 0) entries.push(...(await this.read(segment, seqs)));
      }
      return entries;
    });
  }

  ack(seqs: number[]): Promise<void> {
    return this.exclusive(() => this.markDone(seqs));
  }

  /** Recorded before the ack: a crash in between leaves the entry pending, to be dead-lettered again. */
  deadLetter(entry: SpooledEntry, reason: string): Promise<void> {
    return this.exclusive(async () => {
      if (!this.segmentOf(entry.seq)?.isLive(entry.seq)) return;
      await this.deadLetterLog.append({ entry, reason, deadAt: new Date().toISOString() });
      await this.markDone([entry.seq]);
    });
  }

  deadLetters(limit = 100): Promise<DeadLetter[]> {
    return readFileDeadLetters(this.dir, limit);
  }

  deadLetterCount(): Promise<number> {
    return Promise.resolve(this.deadLetterLog.count());
  }

  depth(): number {
    return this.live;
  }

  /** Writes everything that waited, in order, one fsync per segment it reaches. */
  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.flushScheduled = false;
    let written = 0;
    try {
      while (written < batch.length) {
        if (this.broken) throw this.broken;
        const segment = await this.segmentFor(batch[written]!.bytes);
        let end = written + 1;
        let runBytes = batch[written]!.bytes;
        while (end < batch.length && segment.size + runBytes + batch[end]!.bytes <= this.segmentBytes) {
          runBytes += batch[end]!.bytes;
          end++;
        }
        const run = batch.slice(written, end);
        const frames = run.map((item, i) => encodeFrame(segment.nextSeq + i, item.payload));
        await this.writeSegment(segment, frames);
        for (const item of run) {
          segment.add(item.bytes);
          this.live++;
          this.diskBytes += item.bytes;
          this.reservedBytes -= item.bytes;
          item.resolve();
        }
        written += run.length;
      }
    } catch (err) {
      for (const item of batch.slice(written)) {
        this.reservedBytes -= item.bytes;
        item.reject(err);
      }
    }
  }

  private async writeSegment(segment: SegmentIndex, frames: Buffer[]): Promise<void> {
    try {
      await writeDurably(path.join(this.dir, segment.name), frames, segment.size);
    } catch (err) {
      // Junk past the durable end would be read as damage once this is no longer the newest segment.
      if (err instanceof UnrecoverableWriteError) this.broken = err;
      throw err;
    }
  }

  private async segmentFor(bytes: number): Promise<SegmentIndex> {
    const newest = this.segments.at(-1);
    if (newest && (newest.size === 0 || newest.size + bytes <= this.segmentBytes)) return newest;
    return this.addSegment(newest?.nextSeq ?? 1);
  }

  private async addSegment(firstSeq: number): Promise<SegmentIndex> {
    const segment = new SegmentIndex(firstSeq);
    await createDurably(path.join(this.dir, segment.name), this.dir);
    this.segments.push(segment);
    return segment;
  }

  private async markDone(seqs: number[]): Promise<void> {
    const bySegment = new Map<SegmentIndex, number[]>();
    for (const seq of new Set(seqs)) {
      const segment = this.segmentOf(seq);
      if (!segment?.isLive(seq)) continue;
      const group = bySegment.get(segment);
      if (group) group.push(seq);
      else bySegment.set(segment, [seq]);
    }
    for (const [segment, done] of bySegment) {
      const records = done.map((seq) => encodeFrame(seq, NO_PAYLOAD));
      await writeDurably(path.join(this.dir, segment.ackName), records, segment.ackBytes);
      if (segment.ackBytes === 0) await syncDir(this.dir);
      const bytes = records.length * FRAME_HEADER_BYTES;
      segment.ackBytes += bytes;
      this.diskBytes += bytes;
      for (const seq of done) segment.markDone(seq);
      this.live -= done.length;
      if (segment.live === 0) await this.retire(segment);
    }
  }

  /**
   * Deletes a segment whose entries are all done. The segment before its ack log: a
   * crash between the two leaves an orphan log, never a segment without its acks.
   */
  private async retire(segment: SegmentIndex): Promise<void> {
    // The newest segment's name is all that keeps the next seq across a restart: pass it on first.
    if (segment === this.segments.at(-1)) await this.addSegment(segment.nextSeq);
    await rm(path.join(this.dir, segment.name), { force: true });
    await rm(path.join(this.dir, segment.ackName), { force: true });
    await syncDir(this.dir);
    this.segments.splice(this.segments.indexOf(segment), 1);
    this.diskBytes -= segment.size + segment.ackBytes;
  }

  private segmentOf(seq: number): SegmentIndex | undefined {
    let low = 0;
    let high = this.segments.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const segment = this.segments[middle]!;
      if (seq < segment.firstSeq) high = middle - 1;
      else if (seq >= segment.nextSeq) low = middle + 1;
      else return segment;
    }
    return undefined;
  }

  /** Reads entries back by the index, checking each frame again: the disk may have changed since open. */
  private async read(segment: SegmentIndex, seqs: number[]): Promise<SpooledEntry[]> {
    const file = path.join(this.dir, segment.name);
    const handle = await open(file, 'r');
    try {
      const entries: SpooledEntry[] = [];
      for (const run of adjacentRuns(segment, seqs)) {
        const start = segment.span(run[0]!).offset;
        const buffer = Buffer.allocUnsafe(segment.span(run.at(-1)!).end - start);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
        for (const seq of run) {
          const { offset, end } = segment.span(seq);
          const payload =
            end - start <= bytesRead
              ? decodeFrame(buffer.subarray(offset - start, end - start), seq)
              : undefined;
          if (!payload)
            throw new Error(`spool segment ${file}: the frame of seq ${seq} at byte ${offset} is damaged`);
          entries.push({ ...parseEntry(payload, file, seq), seq });
        }
      }
      return entries;
    } finally {
      await handle.close();
    }
  }

  /** One disk operation at a time: appends, acks and reads never see each other half done. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.lane.then(work, work);
    this.lane = next.catch(() => undefined);
    return next;
  }
}

/** Groups seqs whose frames follow each other on disk, so each group is one read. */
function adjacentRuns(segment: SegmentIndex, seqs: number[]): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  for (const seq of seqs) {
    const previous = run.at(-1);
    const adjacent = previous !== undefined && seq === previous + 1;
    if (!adjacent || segment.span(seq).end - segment.span(run[0]!).offset > READ_RUN_BYTES) {
      if (run.length > 0) runs.push(run);
      run = [];
    }
    run.push(seq);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

// JSON.parse quotes the text it fails on, and an entry holds personal data.
function parseEntry(payload: Buffer, file: string, seq: number): SpoolEntry {
  try {
    return JSON.parse(payload.toString('utf8')) as SpoolEntry;
  } catch {
    throw new Error(`spool segment ${file}: the entry of seq ${seq} is not valid JSON`);
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`FileSpool: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
