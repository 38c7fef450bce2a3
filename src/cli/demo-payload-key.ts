import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The demo's TEMPORAL_PAYLOAD_KEYS value: made on the first run into DATA_DIR/payload-key,
 * readable by its owner only, and reused, because the history kept in the same directory
 * stays readable only with it. The file holds `id:key` as the variable does, so
 * `TEMPORAL_PAYLOAD_KEYS=$(cat data/payload-key) rentprog-flow codec-server` works.
 */
export async function demoPayloadKeys(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'payload-key');
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(file, `demo:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return (await readFile(file, 'utf8')).trim();
}
