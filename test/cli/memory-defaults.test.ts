import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/ports.js';
import { type RunningProcess, startCli } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait.js';

const commandLine = async (pid: number) => (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
const childrenOf = async (pid: number) =>
  (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).split(' ').filter(Boolean).map(Number);
const alive = (pid: number) =>
  readFile(`/proc/${pid}/stat`, 'utf8').then(
    (stat) => !/^\d+ \(.*\) Z/.test(stat),
    () => false,
  );

describe('rentprog-flow start: memory defaults', () => {
  let dataDir: string;
  let service: RunningProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-flow-memory-'));
  });
  afterEach(async () => {
    await service?.stop('SIGKILL');
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  // The ingress alone starts without Temporal (it spools), so nothing else is needed.
  const startIngress = async (extra: Record<string, string> = {}) => {
    service = startCli(['start', '--role', 'ingress'], {
      env: {
        RENTPROG_BRANCH_KEYS: JSON.stringify({ tbilisi: 'placeholder-company-token-memory' }),
        RENTPROG_WEBHOOK_SECRETS: JSON.stringify({ tbilisi: 'tbilisi-webhook-secret-memory' }),
        PORT: String(await freePort()),
        TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
        DATA_DIR: dataDir,
        ...extra,
      },
    });
    await service.waitForOutput(/ingress listening/, 60_000);
    return service;
  };

  it('runs the service in a child with a heap limit, which dies with its launcher', async () => {
    const launcher = await startIngress();
    const [child] = await childrenOf(launcher.pid);
    expect(child).toBeDefined();
    expect(await commandLine(child!)).toContain('--max-old-space-size=192');

    await launcher.stop('SIGKILL');
    await waitFor(async () => !(await alive(child!)) || undefined, {
      timeoutMs: 10_000,
      what: 'the service process to end with its launcher',
    });
  }, 90_000);

  it('stops the service gracefully on SIGTERM and ends with its exit code', async () => {
    const launcher = await startIngress();
    await launcher.stop('SIGTERM');
    expect(launcher.exitCode).toBe(0);
    expect(launcher.stdout).toContain('rentprog-flow stopped, goodbye');
  }, 90_000);

  it("keeps an operator's own heap limit and then starts no child", async () => {
    const launcher = await startIngress({ NODE_OPTIONS: '--max-old-space-size=300' });
    const children = await childrenOf(launcher.pid);
    const nodeChildren = await Promise.all(
      children.map(async (pid) => (await commandLine(pid))[0] === process.execPath),
    );
    expect(nodeChildren).not.toContain(true);
  }, 90_000);
});
