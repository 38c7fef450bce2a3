import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { type FrameScan, scanFrames } from './frames.js';
import { openIfPresent, truncateDurably } from './fs.js';
import { parseAckLogName, parseSegmentName, SegmentIndex } from './segment.js';

/**
 * Rebuilds the index of a spool directory by streaming every segment and ack log once.
 * Only the newest segment is ever appended to, so only it may end in a torn or corrupt
 * frame, which no one was ever told was spooled: it is cut off. Damage anywhere else is
 * not a crash mid-write, and starting without those entries would lose them silently.
 */
export async function recoverSegments(dir: string): Promise<SegmentIndex[]> {
  const names = await readdir(dir);
  const firstSeqs = names.flatMap((name) => parseSegmentName(name) ?? []).sort((a, b) => a - b);
  const segments: SegmentIndex[] = [];
  for (const [i, firstSeq] of firstSeqs.entries()) {
    const segment = new SegmentIndex(firstSeq);
    const previous = segments.at(-1);
    if (previous && firstSeq < previous.nextSeq) {
      throw new Error(`spool ${dir}: ${segment.name} overlaps ${previous.name}`);
    }
    await loadFrames(dir, segment, i === firstSeqs.length - 1);
    await loadAcks(dir, segment);
    segments.push(segment);
  }
  await removeOrphanAckLogs(dir, names, new Set(firstSeqs));
  return segments;
}

async function loadFrames(dir: string, segment: SegmentIndex, newest: boolean): Promise<void> {
  const file = path.join(dir, segment.name);
  const scan = await scanFile(file, (seq, bytes) => {
    if (seq !== segment.nextSeq) return false;
    segment.add(bytes);
    return true;
  });
  if (!scan?.fault) return;
  if (!newest) {
    throw new Error(
      `spool segment ${file} is damaged (${scan.fault}) though it is not the newest one, so this is ` +
        'not a crash mid-write; move the file out of the spool directory to start without it',
    );
  }
  await truncateDurably(file, scan.end);
}

/** A torn ack record is an ack that never completed: the entry is relayed again, as a duplicate. */
async function loadAcks(dir: string, segment: SegmentIndex): Promise<void> {
  const file = path.join(dir, segment.ackName);
  const scan = await scanFile(file, (seq) => {
    segment.markDone(seq);
    return true;
  });
  if (!scan) return;
  if (scan.fault) await truncateDurably(file, scan.end);
  segment.ackBytes = scan.end;
}

/** An ack log outlives its segment only when a crash fell between the two deletions. */
async function removeOrphanAckLogs(dir: string, names: string[], segments: Set<number>): Promise<void> {
  for (const name of names) {
    const firstSeq = parseAckLogName(name);
    if (firstSeq !== undefined && !segments.has(firstSeq)) await rm(path.join(dir, name), { force: true });
  }
}

async function scanFile(
  file: string,
  accept: (seq: number, bytes: number) => boolean,
): Promise<FrameScan | undefined> {
  const handle = await openIfPresent(file);
  if (!handle) return undefined;
  try {
    return await scanFrames(handle, (frame) => accept(frame.seq, frame.bytes));
  } finally {
    await handle.close();
  }
}
