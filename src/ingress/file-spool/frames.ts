import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/**
 * One record of the spool's files: `crc32 u32 | payload length u32 | seq u64 | payload`,
 * little-endian, the checksum covering everything after itself. A frame is valid only
 * whole and with a matching checksum, so a crash mid-write leaves a tail that is
 * recognised and cut, never read as a record.
 */
export const FRAME_HEADER_BYTES = 16;

/** Far above any entry (a webhook body is at most 1 MiB): a larger length is corruption. */
export const MAX_FRAME_PAYLOAD_BYTES = 64 * 1024 * 1024;

const READ_CHUNK_BYTES = 1024 * 1024;

export function encodeFrame(seq: number, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 4);
  frame.writeBigUInt64LE(BigInt(seq), 8);
  payload.copy(frame, FRAME_HEADER_BYTES);
  frame.writeUInt32LE(crc32(frame.subarray(4)), 0);
  return frame;
}

export interface Frame {
  seq: number;
  /** Where the frame starts in its file. */
  offset: number;
  /** Header and payload. */
  bytes: number;
  /** Valid only during the callback: copy it to keep it. */
  payload: Buffer;
}

export interface FrameScan {
  /** Where the last valid frame ends: the file's durable content. */
  end: number;
  /** Why the scan stopped before the end of the file, if it did. */
  fault?: string;
}

/**
 * Streams a file's frames in chunks, checking each, until the end of the file or the
 * first frame that is torn, fails its checksum, or is refused by `accept`.
 */
export async function scanFrames(handle: FileHandle, accept: (frame: Frame) => boolean): Promise<FrameScan> {
  // Read up to the size seen now: a writer appending meanwhile cannot make the scan see half a frame.
  const size = (await handle.stat()).size;
  const reader = new ChunkReader(handle, size);
  let offset = 0;
  for (;;) {
    if (offset === size) return { end: offset };
    const header = await reader.take(FRAME_HEADER_BYTES);
    if (!header) return torn(offset, 'frame header');
    const length = header.readUInt32LE(4);
    if (length > MAX_FRAME_PAYLOAD_BYTES) {
      return { end: offset, fault: `frame at byte ${offset} claims ${length} bytes` };
    }
    const fields = header.subarray(4);
    const checksum = header.readUInt32LE(0);
    const payload = await reader.take(length);
    if (!payload) return torn(offset, 'frame');
    if (crc32(payload, crc32(fields)) !== checksum) {
      return { end: offset, fault: `frame at byte ${offset} fails its checksum` };
    }
    const frame = {
      seq: Number(fields.readBigUInt64LE(4)),
      offset,
      bytes: FRAME_HEADER_BYTES + length,
      payload,
    };
    if (!accept(frame))
      return { end: offset, fault: `frame at byte ${offset} has unexpected seq ${frame.seq}` };
    offset += frame.bytes;
  }
}

/** Checks one frame read back from a known position (the index says which seq it must be). */
export function decodeFrame(frame: Buffer, seq: number): Buffer | undefined {
  if (frame.length < FRAME_HEADER_BYTES) return undefined;
  const length = frame.readUInt32LE(4);
  if (FRAME_HEADER_BYTES + length !== frame.length) return undefined;
  if (Number(frame.readBigUInt64LE(8)) !== seq) return undefined;
  if (crc32(frame.subarray(4)) !== frame.readUInt32LE(0)) return undefined;
  return frame.subarray(FRAME_HEADER_BYTES);
}

const torn = (offset: number, what: string): FrameScan => ({
  end: offset,
  fault: `torn ${what} at byte ${offset}`,
});

/** Sequential reads of the first `size` bytes of a file in large chunks, handing out exact-size slices. */
class ChunkReader {
  private chunk = Buffer.alloc(0);
  private at = 0;
  private position = 0;

  constructor(
    private readonly handle: FileHandle,
    private size: number,
  ) {}

  /** The next `n` bytes, or undefined when the file ends first. */
  async take(n: number): Promise<Buffer | undefined> {
    const buffered = this.chunk.length - this.at;
    if (buffered + (this.size - this.position) < n) return undefined;
    if (buffered < n) await this.fill(n);
    if (this.chunk.length - this.at < n) return undefined;
    const slice = this.chunk.subarray(this.at, this.at + n);
    this.at += n;
    return slice;
  }

  // A fresh buffer per refill, so slices already handed out stay intact.
  private async fill(n: number): Promise<void> {
    const leftover = this.chunk.length - this.at;
    const want = Math.min(Math.max(n, READ_CHUNK_BYTES), leftover + this.size - this.position);
    const next = Buffer.allocUnsafe(want);
    let filled = this.chunk.copy(next, 0, this.at);
    while (filled < want) {
      const { bytesRead } = await this.handle.read(next, filled, want - filled, this.position);
      if (bytesRead === 0) {
        // Cut meanwhile by the spool's own recovery (this reader may be another process).
        this.size = this.position;
        break;
      }
      filled += bytesRead;
      this.position += bytesRead;
    }
    this.chunk = next.subarray(0, filled);
    this.at = 0;
  }
}
