import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTemporalCli, findTemporalCli } from '../src/cli/temporal-cli.js';

describe('finding the Temporal CLI', () => {
  let dir: string;
  let fakeCli: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'temporal-cli-'));
    await mkdir(path.join(dir, 'path-bin'));
    await mkdir(path.join(dir, 'local-bin'));
    fakeCli = path.join(dir, 'path-bin', 'temporal');
    await writeFile(fakeCli, '#!/bin/sh\necho fake\n');
    await chmod(fakeCli, 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const emptyLocal = () => path.join(dir, 'local-bin');

  it('takes TEMPORAL_CLI first, and names it when it points nowhere', async () => {
    expect(await findTemporalCli({ env: { TEMPORAL_CLI: fakeCli, PATH: '' } })).toBe(fakeCli);
    await expect(findTemporalCli({ env: { TEMPORAL_CLI: path.join(dir, 'missing') } })).rejects.toThrow(
      /TEMPORAL_CLI points at .*missing, which is not an executable file/,
    );
  });

  it('then looks on PATH, then in .temporal/bin', async () => {
    const pathBin = path.dirname(fakeCli);
    expect(await findTemporalCli({ env: { PATH: pathBin }, localBin: emptyLocal() })).toBe(fakeCli);
    expect(await findTemporalCli({ env: { PATH: '' }, localBin: pathBin })).toBe(fakeCli);
    expect(await findTemporalCli({ env: { PATH: '' }, localBin: emptyLocal() })).toBeUndefined();
  });

  it('stops with install instructions when there is neither a CLI nor Go', async () => {
    const attempt = ensureTemporalCli({
      env: { PATH: '' },
      localBin: emptyLocal(),
      goFallbacks: [],
      log: () => {},
    });
    await expect(attempt).rejects.toThrow(
      /no Go toolchain to build one[\s\S]*brew install temporal[\s\S]*TEMPORAL_CLI/,
    );
  });
});
