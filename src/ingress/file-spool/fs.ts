import { constants } from 'node:fs';
import { chmod, type FileHandle, mkdir, open } from 'node:fs/promises';

/** The spool holds webhook bodies (personal data): readable by the service's user only. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const WRITE_BATCH_BYTES = 1024 * 1024;

/** Creates the directory 0700, and tightens one left behind more open by an older version. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  await chmod(dir, DIR_MODE);
}

/** A created, renamed or removed file is durable only once its directory entry is. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A write failed and its file could not be cut back to its last durable size: the next
 * write would follow half-written bytes, so the writer must stop until it is reopened.
 */
export class UnrecoverableWriteError extends Error {
  override name = 'UnrecoverableWriteError';
}

/**
 * Writes `buffers` at `position` (the file's durable size) and fsyncs. Positional writes,
 * not O_APPEND, so a failed write is cut back to `position` and never glued onto.
 */
export async function writeDurably(file: string, buffers: Buffer[], position: number): Promise<void> {
  const handle = await open(file, constants.O_WRONLY | constants.O_CREAT, FILE_MODE);
  try {
    const expected = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    const { bytesWritten } = await handle.writev(buffers, position);
    if (bytesWritten !== expected) {
      throw new Error(`short write to ${file}: ${bytesWritten} of ${expected} bytes`);
    }
    await handle.sync();
  } catch (err) {
    try {
      await handle.truncate(position);
      await handle.sync();
    } catch (cutErr) {
      throw new UnrecoverableWriteError(
        `cannot write ${file} (${messageOf(err)}) nor cut it back to ${position} bytes (${messageOf(cutErr)})`,
        { cause: err },
      );
    }
    throw new Error(`cannot write ${file}: ${messageOf(err)}`, { cause: err });
  } finally {
    await handle.close();
  }
}

/** Cuts a torn or corrupt tail found on open, durably, so the next write starts on a frame boundary. */
export async function truncateDurably(file: string, size: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.truncate(size);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates an empty file 0600 (emptying a leftover of a failed attempt) and makes its entry durable. */
export async function createDurably(file: string, dir: string): Promise<void> {
  const handle = await open(file, 'w', FILE_MODE);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDir(dir);
}

/**
 * Creates `file` 0600 from `chunks` (replacing a leftover), fsyncs it and its directory
 * entry. Chunks are gathered into large writes: they may be as small as one frame.
 */
export async function writeFileDurably(
  file: string,
  dir: string,
  chunks: AsyncIterable<Buffer>,
): Promise<void> {
  const handle = await open(file, 'w', FILE_MODE);
  try {
    let position = 0;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const write = async () => {
      const { bytesWritten } = await handle.writev(batch, position);
      if (bytesWritten !== batchBytes) {
        throw new Error(`short write to ${file}: ${bytesWritten} of ${batchBytes} bytes`);
      }
      position += batchBytes;
      batch = [];
      batchBytes = 0;
    };
    for await (const chunk of chunks) {
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= WRITE_BATCH_BYTES) await write();
    }
    if (batchBytes > 0) await write();
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDir(dir);
}

/** The file opened for reading, or undefined when it does not exist. */
export async function openIfPresent(file: string): Promise<FileHandle | undefined> {
  try {
    return await open(file, 'r');
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

export function isMissing(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'ENOENT';
}

/** fs messages name the file and the errno, never file content. */
function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
