import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WORKFLOWS_PATH } from './workflows-path.js';

/**
 * Bundles the workflow code in a short-lived child process and returns it. Webpack leaves
 * about 110 MB behind in the process that ran it, for good; in a child that memory goes
 * back when it exits, so a worker started from the sources is as light as one started
 * with `npm run build`'s bundle.
 */
export async function bundleInChildProcess(): Promise<{ code: string }> {
  const extension = path.extname(WORKFLOWS_PATH);
  const script = path.join(path.dirname(WORKFLOWS_PATH), '..', 'cli', `bundle-workflows${extension}`);
  // From the sources the child needs tsx, resolved from here rather than from the cwd.
  const loader = extension === '.ts' ? ['--import', import.meta.resolve('tsx')] : [];
  const out = path.join(os.tmpdir(), `rentprog-flow-workflows-${randomBytes(6).toString('hex')}.js`);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [...loader, script, out], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code, signal) =>
        code === 0
          ? resolve()
          : reject(new Error(`bundling the workflow code failed (${signal ?? `exit code ${code}`})`)),
      );
    });
    return { code: await readFile(out, 'utf8') };
  } finally {
    await rm(out, { force: true });
  }
}
