import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoPayloadKeys } from '../../src/cli/demo-payload-key.js';
import { loadConfig } from '../../src/config/load-config.js';

describe('the demo’s payload key', () => {
  let tmp: string;
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('is made once into DATA_DIR/payload-key, owner-only, reused, and valid as TEMPORAL_PAYLOAD_KEYS', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rentprog-key-'));
    // A DATA_DIR that does not exist yet, as on the demo's first run.
    const dataDir = path.join(tmp, 'data');
    const first = await demoPayloadKeys(dataDir);
    const file = path.join(dataDir, 'payload-key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await demoPayloadKeys(dataDir)).toBe(first);
    expect((await readFile(file, 'utf8')).trim()).toBe(first);

    const { payloadKeys } = loadConfig({ TEMPORAL_PAYLOAD_KEYS: first }, { requireBranches: false }).temporal;
    expect(payloadKeys?.map((k) => [k.id, k.key.length])).toEqual([['demo', 32]]);
  });
});
