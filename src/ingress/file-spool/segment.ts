const INITIAL_CAPACITY = 64;

/**
 * What the spool remembers of one segment file: where each frame starts and whether it
 * is done (acknowledged or dead-lettered), never the entries themselves: 9 bytes per
 * entry whatever its size. Frames are consecutive, so a frame ends where the next starts.
 */
export class SegmentIndex {
  count = 0;
  live = 0;
  /** Bytes of valid frames, which is the segment file's durable size. */
  size = 0;
  /** Bytes of its ack log; 0 also when that file does not exist yet. */
  ackBytes = 0;
  private offsets = new Float64Array(INITIAL_CAPACITY);
  private done = new Uint8Array(INITIAL_CAPACITY);
  /** Every frame before this one is done: the oldest live entry is found without rescanning. */
  private cursor = 0;

  constructor(readonly firstSeq: number) {}

  get nextSeq(): number {
    return this.firstSeq + this.count;
  }

  get name(): string {
    return segmentName(this.firstSeq);
  }

  get ackName(): string {
    return `${this.name.slice(0, -'.log'.length)}.acks`;
  }

  holds(seq: number): boolean {
    return seq >= this.firstSeq && seq < this.nextSeq;
  }

  isLive(seq: number): boolean {
    return this.holds(seq) && this.done[seq - this.firstSeq] === 0;
  }

  add(bytes: number): void {
    if (this.count === this.offsets.length) this.grow();
    this.offsets[this.count] = this.size;
    this.count++;
    this.live++;
    this.size += bytes;
  }

  markDone(seq: number): void {
    if (!this.isLive(seq)) return;
    this.done[seq - this.firstSeq] = 1;
    this.live--;
  }

  /** Where a frame lies in the segment file. */
  span(seq: number): { offset: number; end: number } {
    const i = seq - this.firstSeq;
    return { offset: this.offsets[i]!, end: i + 1 < this.count ? this.offsets[i + 1]! : this.size };
  }

  /** The oldest live seqs, at most `limit`. */
  liveSeqs(limit: number): number[] {
    while (this.cursor < this.count && this.done[this.cursor] === 1) this.cursor++;
    const seqs: number[] = [];
    for (let i = this.cursor; i < this.count && seqs.length < limit; i++) {
      if (this.done[i] === 0) seqs.push(this.firstSeq + i);
    }
    return seqs;
  }

  private grow(): void {
    const offsets = new Float64Array(this.offsets.length * 2);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const done = new Uint8Array(this.done.length * 2);
    done.set(this.done);
    this.done = done;
  }
}

const SEGMENT_NAME = /^segment-(\d{16})\.log$/;
const ACK_LOG_NAME = /^segment-(\d{16})\.acks$/;

/** Zero-padded, so names sort like their first seq and the newest name keeps the next seq. */
const segmentName = (firstSeq: number): string => `segment-${String(firstSeq).padStart(16, '0')}.log`;

export function parseSegmentName(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

export function parseAckLogName(name: string): number | undefined {
  const match = ACK_LOG_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}
