#!/usr/bin/env node
// Runs the compiled CLI when `npm run build` has produced lib/, the TypeScript source otherwise.
import { existsSync } from 'node:fs';

const compiled = new URL('../lib/cli/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
