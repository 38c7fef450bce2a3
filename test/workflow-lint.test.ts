import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

/**
 * Lints source text as if it lived at `filePath`, with the project's real config.
 * Type-aware rules are switched off because the file does not exist on disk; the
 * import restrictions under test are not type-aware.
 */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: [tseslint.configs.disableTypeChecked] });
  const [result] = await eslint.lintText(code, { filePath });
  const messages = result?.messages ?? [];
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  return messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint keeps workflow code deterministic', () => {
  it.each([
    ["import { readFile } from 'node:fs/promises';", 'node:fs/promises'],
    ["import { createHash } from 'crypto';", 'crypto'],
    ["import pg from 'pg';", 'pg'],
    ["import express from 'express';", 'express'],
    ["import { Bot } from 'grammy';", 'grammy'],
    ["import { PGlite } from '@electric-sql/pglite';", 'PGlite'],
    ["import { Client } from '@temporalio/client';", 'Temporal client'],
    ["import { createActivities } from '../activities/index.js';", 'a runtime import of activities'],
    ["import { openDatabase } from '../store/open-database.js';", 'the store'],
  ])('rejects %s (%s) in src/workflows/', async (line) => {
    const messages = await restrictedImports('src/workflows/lint-probe.ts', `${line}\nexport const x = 1;\n`);
    expect(messages.length).toBeGreaterThan(0);
  });

  it('allows the workflow SDK, type-only activity imports, and Node modules elsewhere', async () => {
    const workflow = [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import type { Activities } from '../activities/index.js';",
      'export const a = proxyActivities<Activities>({ startToCloseTimeout: 1000 });',
      '',
    ].join('\n');
    expect(await restrictedImports('src/workflows/lint-probe.ts', workflow)).toEqual([]);
    expect(
      await restrictedImports('src/activities/lint-probe.ts', "import pg from 'pg';\nexport const p = pg;\n"),
    ).toEqual([]);
  });
});
