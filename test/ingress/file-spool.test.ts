import { chmod, cp, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as SpoolFs from '../../src/ingress/file-spool/fs.js';
import {
  countFileDeadLetters,
  FileSpool,
  type FileSpoolOptions,
  readFileDeadLetters,
} from '../../src/ingress/file-spool/index.js';
import {
  type DeadLetter,
  type SpooledEntry,
  type SpoolEntry,
  SpoolFullError,
} from '../../src/ingress/spool.js';

/** The spool's durable steps end in these: failing the n-th stops the process right after that step. */
const crash = vi.hoisted(() => ({ atStep: 0, steps: 0 }));
vi.mock('../../src/ingress/file-spool/fs.js', async (importOriginal) => {
  const fs = await importOriginal<typeof SpoolFs>();
  const step = () => {
    crash.steps++;
    if (crash.steps === crash.atStep) throw new Error('simulated crash');
  };
  return {
    ...fs,
    syncDir: async (...args: Parameters<typeof fs.syncDir>) => {
      await fs.syncDir(...args);
      step();
    },
    writeFileDurably: async (...args: Parameters<typeof fs.writeFileDurably>) => {
      await fs.writeFileDurably(...args);
      step();
    },
  };
});

// In memory where the machine has it: the tests cut files by hand, so what they check does
// not depend on the disk, and the spool's fsyncs cost nothing there.
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(SCRATCH, 'rentprog-file-spool-'));
  crash.atStep = 0;
  crash.steps = 0;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

const entry = (eventId: string): SpoolEntry => ({
  kind: 'event',
  spooledAt: '2025-06-01T10:00:00.000Z',
  input: { eventId, branch: 'tbilisi', client: 'Нино Беридзе' } as never,
});
const spooled = (eventId: string, seq: number): SpooledEntry => ({ ...entry(eventId), seq });
const idOf = (e: SpooledEntry) => (e.input as { eventId: string }).eventId;
const seqsAndIds = (entries: SpooledEntry[]) => entries.map((e) => [e.seq, idOf(e)]);

const sizeOf = async (file: string) => (await stat(file).catch(() => undefined))?.size ?? 0;
const segmentFiles = async (dir: string) => (await readdir(dir)).filter((n) => n.endsWith('.log')).sort();
const seg = (firstSeq: number) => `segment-${String(firstSeq).padStart(16, '0')}.log`;
const acks = (firstSeq: number) => `segment-${String(firstSeq).padStart(16, '0')}.acks`;

/** The on-disk size of one entry's frame, measured on a spool of its own. */
async function frameBytesOf(e: SpoolEntry): Promise<number> {
  const dir = await mkdtemp(path.join(root, 'probe-'));
  await (await FileSpool.open(dir)).append(e);
  return sizeOf(path.join(dir, seg(1)));
}

/**
 * The directory as if the process had died after writing `cut` bytes of what `file`
 * gained between the `before` and `after` copies: every other file as in `before`.
 */
async function crashState(before: string, after: string, file: string, cut: number): Promise<string> {
  const into = path.join(root, 'crash');
  await rm(into, { recursive: true, force: true });
  await cp(before, into, { recursive: true });
  const grown = await readFile(path.join(after, file));
  await writeFile(path.join(into, file), grown.subarray(0, (await sizeOf(path.join(before, file))) + cut));
  return into;
}

async function snapshot(dir: string, name: string): Promise<string> {
  const copy = path.join(root, name);
  await cp(dir, copy, { recursive: true });
  return copy;
}

describe('the file spool survives a crash at any byte', () => {
  it.each([
    ['in the middle of a segment', false],
    ['as the first frame of a new segment', true],
  ])('a torn append %s is cut off, and the next append is whole', async (_, newSegment) => {
    const options: FileSpoolOptions = newSegment
      ? { segmentBytes: 3 * (await frameBytesOf(entry('e1'))) }
      : {};
    const dir = path.join(root, 'live');
    const spool = await FileSpool.open(dir, options);
    for (const id of ['e1', 'e2', 'e3']) await spool.append(entry(id));
    await spool.ack([2]);
    const before = await snapshot(dir, 'before');
    await spool.append(entry('e4'));
    const after = await snapshot(dir, 'after');
    const file = (await segmentFiles(after)).at(-1)!;
    expect(file).toBe(newSegment ? seg(4) : seg(1));
    const frameBytes = (await sizeOf(path.join(after, file))) - (await sizeOf(path.join(before, file)));
    expect(frameBytes).toBe(await frameBytesOf(entry('e4')));

    for (let cut = 0; cut < frameBytes; cut++) {
      const crashed = await crashState(before, after, file, cut);
      const reopened = await FileSpool.open(crashed, options);
      expect(await reopened.pending(), `cut at ${cut}`).toEqual([spooled('e1', 1), spooled('e3', 3)]);
      expect(reopened.depth()).toBe(2);
      expect(await sizeOf(path.join(crashed, file))).toBe(await sizeOf(path.join(before, file)));
      await reopened.append(entry('e5'));
      const again = await FileSpool.open(crashed, options);
      expect(await again.pending(), `cut at ${cut}`).toEqual([
        spooled('e1', 1),
        spooled('e3', 3),
        spooled('e5', 4),
      ]);
    }
    const whole = await crashState(before, after, file, frameBytes);
    expect(seqsAndIds(await (await FileSpool.open(whole, options)).pending())).toEqual([
      [1, 'e1'],
      [3, 'e3'],
      [4, 'e4'],
    ]);
  });

  it('a torn ack record leaves the entry pending, and the next ack is read back', async () => {
    const dir = path.join(root, 'live');
    const spool = await FileSpool.open(dir);
    for (const id of ['e1', 'e2', 'e3', 'e4']) await spool.append(entry(id));
    await spool.ack([1]);
    const before = await snapshot(dir, 'before');
    await spool.ack([2]);
    const after = await snapshot(dir, 'after');
    const recordBytes =
      (await sizeOf(path.join(after, acks(1)))) - (await sizeOf(path.join(before, acks(1))));
    expect(recordBytes).toBe(16);

    for (let cut = 0; cut < recordBytes; cut++) {
      const crashed = await crashState(before, after, acks(1), cut);
      const reopened = await FileSpool.open(crashed);
      expect(seqsAndIds(await reopened.pending()), `cut at ${cut}`).toEqual([
        [2, 'e2'],
        [3, 'e3'],
        [4, 'e4'],
      ]);
      expect(await sizeOf(path.join(crashed, acks(1)))).toBe(await sizeOf(path.join(before, acks(1))));
      await reopened.ack([3]);
      const again = await FileSpool.open(crashed);
      expect(seqsAndIds(await again.pending()), `cut at ${cut}`).toEqual([
        [2, 'e2'],
        [4, 'e4'],
      ]);
    }
    const whole = await crashState(before, after, acks(1), recordBytes);
    expect((await (await FileSpool.open(whole)).pending()).map((e) => e.seq)).toEqual([3, 4]);
  });

  it('a torn dead letter is cut off, the entry stays pending, and the next dead letter is read back', async () => {
    const dir = path.join(root, 'live');
    const spool = await FileSpool.open(dir);
    for (const id of ['e1', 'e2', 'e3']) await spool.append(entry(id));
    await spool.deadLetter(spooled('e1', 1), 'first');
    const before = await snapshot(dir, 'before');
    await spool.deadLetter(spooled('e2', 2), 'second');
    const after = await snapshot(dir, 'after');
    const file = 'dead-letters.log';
    const frameBytes = (await sizeOf(path.join(after, file))) - (await sizeOf(path.join(before, file)));
    expect(frameBytes).toBeGreaterThan(16);

    for (let cut = 0; cut < frameBytes; cut++) {
      // The dead letter is written before the ack: a crash within it finds no ack of seq 2.
      const crashed = await crashState(before, after, file, cut);
      const tornSize = await sizeOf(path.join(crashed, file));
      // Another process only reads: it skips the torn tail and leaves the file alone.
      expect((await readFileDeadLetters(crashed)).map((l) => l.reason)).toEqual(['first']);
      expect(await countFileDeadLetters(crashed)).toBe(1);
      expect(await sizeOf(path.join(crashed, file))).toBe(tornSize);

      const reopened = await FileSpool.open(crashed);
      expect(await reopened.deadLetterCount()).toBe(1);
      expect(await reopened.deadLetters()).toEqual([
        { entry: spooled('e1', 1), reason: 'first', deadAt: expect.any(String) as string },
      ]);
      expect(seqsAndIds(await reopened.pending()), `cut at ${cut}`).toEqual([
        [2, 'e2'],
        [3, 'e3'],
      ]);
      expect(await sizeOf(path.join(crashed, file))).toBe(await sizeOf(path.join(before, file)));
      await reopened.deadLetter(spooled('e2', 2), 'again');
      const again = await FileSpool.open(crashed);
      expect((await again.deadLetters()).map((l) => [l.entry.seq, l.reason])).toEqual([
        [2, 'again'],
        [1, 'first'],
      ]);
      expect(await again.deadLetterCount()).toBe(2);
      expect(await countFileDeadLetters(crashed)).toBe(2);
      expect(seqsAndIds(await again.pending())).toEqual([[3, 'e3']]);
    }
  });

  it('a corrupt byte anywhere in the last frame is caught by its checksum and cut off', async () => {
    const dir = path.join(root, 'live');
    const spool = await FileSpool.open(dir);
    for (const id of ['e1', 'e2', 'e3']) await spool.append(entry(id));
    const file = path.join(dir, seg(1));
    const good = await readFile(file);
    const frameBytes = await frameBytesOf(entry('e3'));
    const lastFrame = good.length - frameBytes;

    for (let at = lastFrame; at < good.length; at++) {
      const corrupt = Buffer.from(good);
      corrupt[at] = corrupt[at]! ^ 0x20;
      await writeFile(file, corrupt);
      const reopened = await FileSpool.open(dir);
      expect(seqsAndIds(await reopened.pending()), `byte ${at}`).toEqual([
        [1, 'e1'],
        [2, 'e2'],
      ]);
      expect(await sizeOf(file)).toBe(lastFrame);
    }
    const reopened = await FileSpool.open(dir);
    await reopened.append(entry('e4'));
    expect(await (await FileSpool.open(dir)).pending()).toEqual([
      spooled('e1', 1),
      spooled('e2', 2),
      spooled('e4', 3),
    ]);
  });

  it('refuses to open over damage in an older segment, naming the file but not the content', async () => {
    const dir = path.join(root, 'live');
    const options = { segmentBytes: 2 * (await frameBytesOf(entry('person-4711'))) };
    const spool = await FileSpool.open(dir, options);
    for (const id of ['person-4711', 'person-4712', 'person-4713']) await spool.append(entry(id));
    expect(await segmentFiles(dir)).toEqual([seg(1), seg(3)]);
    const file = path.join(dir, seg(1));
    const bytes = await readFile(file);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x01;
    await writeFile(file, bytes);

    const error = (await FileSpool.open(dir, options).catch((err: unknown) => err)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(file);
    expect(error.message).toContain('checksum');
    expect(error.message).not.toContain('person-');
    expect(error.message).not.toContain('Нино');
    expect(await sizeOf(file)).toBe(bytes.length);
  });
});

describe('the file spool on disk', () => {
  it('deletes a segment once all its entries are acked, and keeps counting seqs after a restart', async () => {
    const dir = path.join(root, 'spool');
    const options = { segmentBytes: 2 * (await frameBytesOf(entry('e00'))) };
    const spool = await FileSpool.open(dir, options);
    for (let i = 0; i < 10; i++) await spool.append(entry(`e0${i}`));
    expect(await segmentFiles(dir)).toEqual([seg(1), seg(3), seg(5), seg(7), seg(9)]);

    await spool.ack([1, 2]);
    await spool.ack([4]);
    expect(await segmentFiles(dir)).toEqual([seg(3), seg(5), seg(7), seg(9)]);
    await spool.ack([5, 6, 3, 3, 99]);
    await spool.ack([8]);
    expect((await readdir(dir)).sort()).toEqual([acks(7), seg(7), seg(9)]);
    expect(spool.depth()).toBe(3);

    const reopened = await FileSpool.open(dir, options);
    expect(reopened.depth()).toBe(3);
    expect(seqsAndIds(await reopened.pending())).toEqual([
      [7, 'e06'],
      [9, 'e08'],
      [10, 'e09'],
    ]);
    await reopened.ack([7, 9, 10]);
    expect(reopened.depth()).toBe(0);
    // Only an empty successor is left, whose name keeps the next seq.
    expect(await readdir(dir)).toEqual([seg(11)]);
    expect(await sizeOf(path.join(dir, seg(11)))).toBe(0);

    const restarted = await FileSpool.open(dir, options);
    await restarted.append(entry('e10'));
    await restarted.append(entry('e11'));
    expect(seqsAndIds(await (await FileSpool.open(dir, options)).pending())).toEqual([
      [11, 'e10'],
      [12, 'e11'],
    ]);
  });

  it('deletes on open a segment whose last ack was written just before a crash', async () => {
    const options = { segmentBytes: 2 * (await frameBytesOf(entry('e1'))) };
    const open3 = async (name: string) => {
      const spool = await FileSpool.open(path.join(root, name), options);
      for (const id of ['e1', 'e2', 'e3']) await spool.append(entry(id));
      return spool;
    };
    await (await open3('crashed')).ack([1]);
    // The same ack record of seq 2, from a spool where it did not complete its segment.
    await (await open3('other')).ack([2]);
    const record = await readFile(path.join(root, 'other', acks(1)));
    expect(record.length).toBe(16);
    // The ack was durable, but the process died before deleting the segment and its log.
    const crashed = path.join(root, 'crashed');
    await writeFile(path.join(crashed, acks(1)), record, { flag: 'a' });

    const reopened = await FileSpool.open(crashed, options);
    expect(seqsAndIds(await reopened.pending())).toEqual([[3, 'e3']]);
    expect(await readdir(crashed)).toEqual([seg(3)]);
  });

  it('refuses appends with SpoolFullError at maxBytes, and takes them again once acks free a segment', async () => {
    const frame = await frameBytesOf(entry('e0'));
    const options = { maxBytes: 5 * frame, segmentBytes: 2 * frame };
    const dir = path.join(root, 'spool');
    const spool = await FileSpool.open(dir, options);
    for (let i = 0; i < 5; i++) await spool.append(entry(`e${i}`));
    await expect(spool.append(entry('e5'))).rejects.toBeInstanceOf(SpoolFullError);
    expect(spool.depth()).toBe(5);
    expect((await spool.pending()).map(idOf)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);

    const reopened = await FileSpool.open(dir, options);
    await expect(reopened.append(entry('e5'))).rejects.toThrow(/is full/);
    await reopened.ack([1, 2]);
    await reopened.append(entry('e5'));
    await reopened.append(entry('e6'));
    await expect(reopened.append(entry('e7'))).rejects.toBeInstanceOf(SpoolFullError);
    expect(seqsAndIds(await (await FileSpool.open(dir, options)).pending())).toEqual([
      [3, 'e2'],
      [4, 'e3'],
      [5, 'e4'],
      [6, 'e5'],
      [7, 'e6'],
    ]);
  });

  it('counts appends still waiting for their write against maxBytes', async () => {
    const frame = await frameBytesOf(entry('e0'));
    const spool = await FileSpool.open(path.join(root, 'spool'), { maxBytes: 3 * frame });
    const results = await Promise.allSettled(
      ['e0', 'e1', 'e2', 'e3', 'e4'].map((id) => spool.append(entry(id))),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    expect(results.slice(3).every((r) => r.status === 'rejected' && r.reason instanceof SpoolFullError)).toBe(
      true,
    );
    expect(spool.depth()).toBe(3);
  });

  it('creates its files 0600 and its directory 0700, and tightens an existing directory', async () => {
    const dir = path.join(root, 'spool');
    const spool = await FileSpool.open(dir, { segmentBytes: 2 * (await frameBytesOf(entry('e1'))) });
    for (const id of ['e1', 'e2', 'e3', 'e4']) await spool.append(entry(id));
    await spool.ack([2]);
    await spool.deadLetter(spooled('e3', 3), 'refused');
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['dead-letters.log', acks(1), seg(1), acks(3), seg(3)]);
    for (const name of names) expect((await stat(path.join(dir, name))).mode & 0o777, name).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);

    const existing = path.join(root, 'existing');
    await mkdir(existing);
    await chmod(existing, 0o755);
    await FileSpool.open(existing);
    expect((await stat(existing)).mode & 0o777).toBe(0o700);
  });

  it('shares one write and fsync among appends that wait, keeping their order', async () => {
    const dir = path.join(root, 'spool');
    const spool = await FileSpool.open(dir);
    const probe = await open(path.join(root, 'probe'), 'w');
    const sync = vi.spyOn(Object.getPrototypeOf(probe) as { sync: () => Promise<void> }, 'sync');
    await probe.close();
    const ids = Array.from({ length: 50 }, (_, i) => `e${i}`);
    await Promise.all(ids.map((id) => spool.append(entry(id))));
    // Creating the segment (file and directory) and one write for all 50: not 50 fsyncs.
    expect(sync).toHaveBeenCalledTimes(3);
    expect((await (await FileSpool.open(dir)).pending()).map((e) => [e.seq, idOf(e)])).toEqual(
      ids.map((id, i) => [i + 1, id]),
    );
  });

  it('opens a spool of 20,000 entries across segments and hands out the oldest first', async () => {
    const dir = path.join(root, 'spool');
    const options = { segmentBytes: 64 * 1024 };
    const spool = await FileSpool.open(dir, options);
    await Promise.all(Array.from({ length: 20_000 }, (_, i) => spool.append(entry(`e${i}`))));
    const segments = await segmentFiles(dir);
    expect(segments.length).toBeGreaterThan(20);

    const reopened = await FileSpool.open(dir, options);
    expect(reopened.depth()).toBe(20_000);
    expect(seqsAndIds(await reopened.pending(10))).toEqual(
      Array.from({ length: 10 }, (_, i) => [i + 1, `e${i}`]),
    );
    await reopened.ack(Array.from({ length: 15_000 }, (_, i) => i + 1));
    expect(reopened.depth()).toBe(5_000);
    expect(seqsAndIds(await reopened.pending(3))).toEqual([
      [15_001, 'e15000'],
      [15_002, 'e15001'],
      [15_003, 'e15002'],
    ]);
    expect((await segmentFiles(dir)).length).toBeLessThan(segments.length / 3);
    const last = await FileSpool.open(dir, options);
    expect(last.depth()).toBe(5_000);
    expect((await last.pending(1))[0]?.seq).toBe(15_001);
  });
});

describe('dead letters of the file spool', () => {
  it('keeps them newest first, out of pending, readable without opening the spool', async () => {
    const dir = path.join(root, 'spool');
    const spool = await FileSpool.open(dir);
    for (const id of ['e1', 'e2', 'e3', 'e4']) await spool.append(entry(id));
    await spool.deadLetter(spooled('e1', 1), 'bad input');
    await spool.deadLetter(spooled('e3', 3), 'namespace gone');
    await spool.deadLetter(spooled('e3', 3), 'already dead-lettered: ignored');
    await spool.ack([4]);
    await spool.deadLetter(spooled('e4', 4), 'already acked: ignored');

    expect(spool.depth()).toBe(1);
    expect(seqsAndIds(await spool.pending())).toEqual([[2, 'e2']]);
    expect(await spool.deadLetterCount()).toBe(2);
    const letters = await readFileDeadLetters(dir);
    expect(letters.map((l) => [l.entry.seq, idOf(l.entry), l.reason])).toEqual([
      [3, 'e3', 'namespace gone'],
      [1, 'e1', 'bad input'],
    ]);
    expect(Number.isNaN(Date.parse(letters[0]!.deadAt))).toBe(false);
    expect(await readFileDeadLetters(dir, 1)).toEqual(letters.slice(0, 1));
    expect(await spool.deadLetters(1)).toEqual(letters.slice(0, 1));
    expect(await countFileDeadLetters(dir)).toBe(2);

    const reopened = await FileSpool.open(dir);
    expect(await reopened.deadLetterCount()).toBe(2);
    expect(seqsAndIds(await reopened.pending())).toEqual([[2, 'e2']]);
  });

  it('reads a missing directory as no dead letters', async () => {
    expect(await readFileDeadLetters(path.join(root, 'nowhere'))).toEqual([]);
    expect(await countFileDeadLetters(path.join(root, 'nowhere'))).toBe(0);
  });
});

describe('upgrading from the JSON-lines spool', () => {
  // Across the 64 KiB chunks the file is streamed in, with multi-byte characters to split.
  const quarantine = {
    kind: 'quarantine',
    spooledAt: '2025-05-31T09:00:00.000Z',
    input: {
      branch: 'batumi',
      reason: 'unparseable body',
      receivedAt: '2025-05-31T09:00:00.000Z',
      contentType: 'text/plain',
      body: 'Нино Беридзе '.repeat(20_000),
      bodyEncoding: 'utf8',
      bodySha256: 'f'.repeat(64),
    },
  };
  const legacyLine = (e: object, seq: number) => JSON.stringify({ ...e, seq });
  const letter = (id: string, seq: number, reason: string): DeadLetter => ({
    entry: spooled(id, seq),
    reason,
    deadAt: '2025-05-30T08:00:00.000Z',
  });

  /** e1 and e4 acked; a line no one can read; e6's ack and e7's line torn by a crash. */
  async function writeLegacySpool(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const lines = [
      legacyLine(entry('e1'), 1),
      legacyLine(entry('e2'), 2),
      legacyLine(quarantine, 3),
      legacyLine(entry('e4'), 4),
      'not json',
      legacyLine(entry('e5'), 5),
      legacyLine(entry('e6'), 6),
    ];
    const torn = legacyLine(entry('e7'), 7).slice(0, 40);
    await writeFile(path.join(dir, 'webhook-spool.jsonl'), `${lines.join('\n')}\n${torn}`);
    await writeFile(path.join(dir, 'webhook-spool.acks'), '1\n4\n6');
    const letters = [letter('e8', 8, 'bad input'), letter('e9', 9, 'namespace gone')];
    const tornLetter = JSON.stringify(letter('e10', 10, 'torn')).slice(0, 30);
    await writeFile(
      path.join(dir, 'dead-letters.jsonl'),
      `${letters.map((l) => JSON.stringify(l)).join('\n')}\n${tornLetter}`,
    );
  }

  /** The unacknowledged, readable entries in their old order, numbered on from `firstSeq`. */
  const imported = (firstSeq: number): SpooledEntry[] => [
    spooled('e2', firstSeq),
    { ...quarantine, seq: firstSeq + 1 } as unknown as SpooledEntry,
    spooled('e5', firstSeq + 2),
    spooled('e6', firstSeq + 3),
  ];
  const importedLetters = [letter('e9', 9, 'namespace gone'), letter('e8', 8, 'bad input')];

  it('imports the unacknowledged entries in order and the dead letters, removes the old files, and only once', async () => {
    const dir = path.join(root, 'spool');
    await writeLegacySpool(dir);

    const spool = await FileSpool.open(dir);
    expect(await spool.pending()).toEqual(imported(1));
    expect(spool.depth()).toBe(4);
    expect(await spool.deadLetters()).toEqual(importedLetters);
    expect(await spool.deadLetterCount()).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['dead-letters.log', seg(1)]);
    for (const name of await readdir(dir))
      expect((await stat(path.join(dir, name))).mode & 0o777).toBe(0o600);

    const reopened = await FileSpool.open(dir);
    expect(await reopened.pending()).toEqual(imported(1));
    expect(await reopened.deadLetters()).toEqual(importedLetters);
    await reopened.ack([1, 3]);
    await reopened.append(entry('new'));
    expect(await (await FileSpool.open(dir)).pending()).toEqual([
      imported(1)[1],
      spooled('e6', 4),
      spooled('new', 5),
    ]);
  });

  it.each([
    ['with entries waiting', [1], [[3, 'n3']], [acks(1), seg(1), seg(4)]],
    ['drained down to its empty newest segment', [1, 3], [], [seg(4)]],
  ])(
    'imports after a spool of segments %s, the old entries and letters behind the new ones',
    async (_, acked, waiting, files) => {
      const dir = path.join(root, 'spool');
      const spool = await FileSpool.open(dir);
      for (const id of ['n1', 'n2', 'n3']) await spool.append(entry(id));
      await spool.ack(acked);
      await spool.deadLetter(spooled('n2', 2), 'refused');
      await writeLegacySpool(dir);

      const pending = await (await FileSpool.open(dir)).pending();
      expect(seqsAndIds(pending.slice(0, waiting.length))).toEqual(waiting);
      expect(pending.slice(waiting.length)).toEqual(imported(4));
      expect((await readFileDeadLetters(dir)).map((l) => [l.entry.seq, l.reason])).toEqual([
        [2, 'refused'],
        [9, 'namespace gone'],
        [8, 'bad input'],
      ]);
      expect((await readdir(dir)).sort()).toEqual(['dead-letters.log', ...files]);
    },
  );

  it('after a crash at any step of the import, imports every entry and letter exactly once', async () => {
    const dir = path.join(root, 'spool');
    // Left by an earlier attempt that crashed while building, numbered from another seq.
    const setUp = async () => {
      await rm(dir, { recursive: true, force: true });
      await writeLegacySpool(dir);
      await writeFile(path.join(dir, `${seg(1)}.import`), 'half a frame');
      await writeFile(path.join(dir, `${seg(7)}.import`), 'half a frame');
      await writeFile(path.join(dir, 'dead-letters.log.import'), 'half a frame');
    };
    await setUp();
    await FileSpool.open(dir);
    const steps = crash.steps;
    expect(steps).toBeGreaterThanOrEqual(6);

    for (let step = 1; step <= steps; step++) {
      await setUp();
      crash.steps = 0;
      crash.atStep = step;
      await expect(FileSpool.open(dir), `crash at step ${step}`).rejects.toThrow('simulated crash');
      crash.atStep = 0;
      for (const attempt of ['after the crash', 'once more']) {
        const spool = await FileSpool.open(dir);
        expect(await spool.pending(), `crash at step ${step}, ${attempt}`).toEqual(imported(1));
        expect(await spool.deadLetters(), `crash at step ${step}, ${attempt}`).toEqual(importedLetters);
        expect((await readdir(dir)).sort()).toEqual(['dead-letters.log', seg(1)]);
      }
    }
  });
});
