#!/usr/bin/env node
// Runs the compiled lib/ only when it is newer than every file and folder in src/ (always so
// in the Docker image, which has no src/); otherwise the TypeScript sources through tsx, so a
// leftover `npm run build` never runs older code than the checkout holds.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { followLauncher, relaunchWithMemoryDefaults, wantsMemoryDefaults } from './memory-defaults.js';

const compiled = new URL('../lib/cli/main.js', import.meta.url);
const sources = new URL('../src/', import.meta.url);

/** The latest change under a folder: a file's edit, or an added, removed or renamed entry. */
function newestChange(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const child = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(child) : statSync(child).mtimeMs);
  }
  return newest;
}

if (wantsMemoryDefaults()) {
  relaunchWithMemoryDefaults(fileURLToPath(import.meta.url));
} else {
  followLauncher();
  await runService();
}

async function runService() {
  const built = statSync(compiled, { throwIfNoEntry: false });
  const source = statSync(sources, { throwIfNoEntry: false });
  if (built && (!source || built.mtimeMs > newestChange(sources))) {
    await import(compiled.href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(new URL('../src/cli/main.ts', import.meta.url).href);
  }
}
