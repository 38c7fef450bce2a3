import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DeadLetter, SpoolEntry } from '../spool.js';
import { DEAD_LETTERS_FILE } from './dead-letters.js';
import { encodeFrame, MAX_FRAME_PAYLOAD_BYTES, scanFrames } from './frames.js';
import { openIfPresent, syncDir, writeFileDurably } from './fs.js';
import { parseSegmentName, SegmentIndex } from './segment.js';

/** The spool of versions before segments: JSON lines, acked seqs one per line, JSON-line dead letters. */
const LEGACY_ENTRIES = 'webhook-spool.jsonl';
const LEGACY_ACKS = 'webhook-spool.acks';
const LEGACY_DEAD_LETTERS = 'dead-letters.jsonl';
/** What an import builds is named for where it goes, plus this, until it goes there. */
const IMPORT_SUFFIX = '.import';
const NEWLINE = 0x0a;
/** A longer line cannot become a frame, and is not a line the old version wrote whole. */
const MAX_LINE_BYTES = MAX_FRAME_PAYLOAD_BYTES;
const COPY_CHUNK_BYTES = 1024 * 1024;

/**
 * Carries the legacy files over, once: the unacknowledged entries into a new segment
 * `segment-<nextSeq>.log`, the dead letters into the dead-letter log. Runs after the
 * segments are recovered, so the segment that was the newest has had its torn tail cut
 * before a newer one makes a torn tail there read as damage. Returns whether it added a
 * segment (the caller recovers the segments again).
 *
 * Each legacy file is replaced by a file built in full under a temporary name. Removing
 * the legacy file is the commit point: a crash before it leaves the legacy file, and the
 * import starts over, discarding the half-built file; a crash after it leaves the built
 * file, complete and fsync'd, and only its rename is finished. So an entry is imported
 * neither zero times nor twice, where plain append-then-delete would import every entry
 * again after a crash between the two: harmless for the relay, which sees the same
 * workflow id, but a dead letter counted twice would be shown to a person twice.
 */
export async function importLegacySpool(dir: string, nextSeq: number): Promise<boolean> {
  const names = new Set(await readdir(dir));
  const added = await importEntries(dir, names, nextSeq);
  await importDeadLetters(dir, names);
  return added;
}

async function importEntries(dir: string, names: Set<string>, nextSeq: number): Promise<boolean> {
  const built = [...names].filter((name) => parseSegmentName(withoutImportSuffix(name)) !== undefined);
  let segment: string | undefined;
  if (names.has(LEGACY_ENTRIES)) {
    // Builds that never reached their commit, perhaps numbered from another seq.
    for (const name of built) await rm(path.join(dir, name), { force: true });
    segment = `${new SegmentIndex(nextSeq).name}${IMPORT_SUFFIX}`;
    await build(dir, LEGACY_ENTRIES, segment, legacyEntryFrames(dir, nextSeq));
  } else {
    // Committed, not yet renamed. There is at most one: a build first removes the others.
    segment = built[0];
  }
  if (segment) await finish(dir, segment);
  // Read only while the entries file exists: without it, it acknowledges nothing.
  if (names.has(LEGACY_ACKS)) {
    await rm(path.join(dir, LEGACY_ACKS), { force: true });
    await syncDir(dir);
  }
  return segment !== undefined;
}

async function importDeadLetters(dir: string, names: Set<string>): Promise<void> {
  const log = `${DEAD_LETTERS_FILE}${IMPORT_SUFFIX}`;
  if (names.has(LEGACY_DEAD_LETTERS)) {
    await build(dir, LEGACY_DEAD_LETTERS, log, deadLetterFrames(dir));
  } else if (!names.has(log)) {
    return;
  }
  await finish(dir, log);
}

/** Builds `built` whole and durable, then commits by removing the legacy file. */
async function build(dir: string, legacy: string, built: string, content: AsyncIterable<Buffer>) {
  await writeFileDurably(path.join(dir, built), dir, content);
  await rm(path.join(dir, legacy));
  // Durable before the rename: both on disk, after a power cut, would import again.
  await syncDir(dir);
}

async function finish(dir: string, built: string): Promise<void> {
  await rename(path.join(dir, built), path.join(dir, withoutImportSuffix(built)));
  await syncDir(dir);
}

const withoutImportSuffix = (name: string) =>
  name.endsWith(IMPORT_SUFFIX) ? name.slice(0, -IMPORT_SUFFIX.length) : '';

/** Unacknowledged entries in file order, as frames numbered on from `firstSeq`. */
async function* legacyEntryFrames(dir: string, firstSeq: number): AsyncGenerator<Buffer> {
  const acked = await readAcks(path.join(dir, LEGACY_ACKS));
  let seq = firstSeq;
  // A last line that parses lost at most its newline, so its entry is whole: the old version relayed it too.
  for await (const { text } of lines(path.join(dir, LEGACY_ENTRIES))) {
    const legacy = parseLegacyEntry(text);
    if (legacy && !acked.has(legacy.seq)) {
      yield encodeFrame(seq++, Buffer.from(JSON.stringify(legacy.entry)));
    }
  }
}

/** Only whole lines: a torn `12` of `123` would acknowledge the wrong entry, not merely fail to acknowledge one. */
async function readAcks(file: string): Promise<Set<number>> {
  const acked = new Set<number>();
  for await (const { text, terminated } of lines(file)) {
    if (terminated && /^\d+$/.test(text)) acked.add(Number(text));
  }
  return acked;
}

/** The legacy letters, older than any in the current log, then that log's valid frames. */
async function* deadLetterFrames(dir: string): AsyncGenerator<Buffer> {
  for await (const { text } of lines(path.join(dir, LEGACY_DEAD_LETTERS))) {
    const letter = parseLegacyDeadLetter(text);
    if (letter) yield encodeFrame(letter.entry.seq, Buffer.from(JSON.stringify(letter)));
  }
  yield* validFrames(path.join(dir, DEAD_LETTERS_FILE));
}

/** A file's bytes up to the end of its last valid frame: a torn tail is left behind, as on open. */
async function* validFrames(file: string): AsyncGenerator<Buffer> {
  const handle = await openIfPresent(file);
  if (!handle) return;
  try {
    const { end } = await scanFrames(handle, () => true);
    for (let position = 0; position < end;) {
      const chunk = Buffer.allocUnsafe(Math.min(COPY_CHUNK_BYTES, end - position));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) throw new Error(`${file} shrank while it was being imported`);
      yield chunk.subarray(0, bytesRead);
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

interface Line {
  text: string;
  /** Its newline is on disk: the write of the line completed. */
  terminated: boolean;
}

/** A file's lines, streamed; lines longer than MAX_LINE_BYTES are skipped. A missing file has none. */
async function* lines(file: string): AsyncGenerator<Line> {
  const handle = await openIfPresent(file);
  if (!handle) return;
  let parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of handle.createReadStream() as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      const last = chunk.subarray(start, end);
      if (length + last.length <= MAX_LINE_BYTES) {
        yield { text: Buffer.concat([...parts, last]).toString('utf8'), terminated: true };
      }
      parts = [];
      length = 0;
      start = end + 1;
    }
    const rest = chunk.subarray(start);
    length += rest.length;
    // Past the limit only the length is kept, to skip the line when it ends.
    if (length > MAX_LINE_BYTES) parts = [];
    else if (rest.length > 0) parts.push(Buffer.from(rest));
  }
  if (length > 0 && length <= MAX_LINE_BYTES) {
    yield { text: Buffer.concat(parts).toString('utf8'), terminated: false };
  }
}

/** What the old version accepted; its seq is replaced by the new spool's, every other field kept. */
function parseLegacyEntry(text: string): { seq: number; entry: SpoolEntry } | undefined {
  const value = parseJson(text);
  if (!isRecord(value)) return undefined;
  const { seq, ...entry } = value;
  if (!isSeq(seq) || (entry.kind !== 'event' && entry.kind !== 'quarantine')) return undefined;
  return { seq, entry: entry as unknown as SpoolEntry };
}

/** Kept as written, with the old seq, which also numbers its frame. */
function parseLegacyDeadLetter(text: string): DeadLetter | undefined {
  const value = parseJson(text);
  if (!isRecord(value) || !isRecord(value.entry) || !isSeq(value.entry.seq)) return undefined;
  return value as unknown as DeadLetter;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
