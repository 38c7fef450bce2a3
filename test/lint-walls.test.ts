import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: [tseslint.configs.disableTypeChecked] });

/**
 * Lints source text as if it lived at `filePath`, with the project's real config, and
 * returns what the walls (no-restricted-imports) say. Type-aware rules are switched off
 * because the file does not exist on disk; the walls are not type-aware.
 */
async function wallMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const probe = 1;\n`, { filePath });
  const messages = result?.messages ?? [];
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  return messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the workflow wall: workflow code imports no runtime value from a module that does I/O', () => {
  it.each([
    "import { readFile } from 'node:fs/promises';",
    "import { createHash } from 'crypto';",
    "import pg from 'pg';",
    "import express from 'express';",
    "import { Bot } from 'grammy';",
    "import { z } from 'zod';",
    "import { Client } from '@temporalio/client';",
    "import { createActivities } from '../activities/index.js';",
    "import { openDatabase } from '../store/open-database.js';",
    "import { RentProgClient } from '../rentprog/api/client.js';",
    "import { RentProgAuthError } from '../rentprog/api/errors.js';",
    "import { eventIdOf } from '../rentprog/webhooks/event-id.js';",
    "import { toActivityFailure } from '../temporal/activity-failure.js';",
    "import { alertText } from '../texts/alerts.js';",
  ])('rejects %s in src/workflows/', async (line) => {
    expect(await wallMessages('src/workflows/lint-probe.ts', line)).not.toEqual([]);
  });

  it('allows the SDK, pure modules, and anything as `import type`', async () => {
    const workflow = [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import { ApplicationFailure } from '@temporalio/common';",
      "import type { Client } from '@temporalio/client';",
      "import type { Activities } from '../activities/index.js';",
      "import type { RentProgClient } from '../rentprog/api/client.js';",
      "import { RENTPROG_RETRY_POLICY } from '../temporal/rentprog-retry-policy.js';",
      "import { isStoredEntity, type RentProgEvent } from '../rentprog/webhooks/webhook-event.js';",
      "import { noticeKindsOf } from '../notify/notice-kinds.js';",
      "import { rentprogTaskQueue } from './task-queues.js';",
    ].join('\n');
    expect(await wallMessages('src/workflows/lint-probe.ts', workflow)).toEqual([]);
  });

  it.each([
    ['src/notify/lint-probe.ts', "import { RentProgClient } from '../rentprog/api/client.js';"],
    ['src/temporal/rentprog-retry-policy.ts', "import { RentProgError } from '../rentprog/api/errors.js';"],
    ['src/rentprog/webhooks/normalize-event.ts', "import { eventIdOf } from './event-id.js';"],
    ['src/rentprog/webhooks/webhook-event.ts', "import pino from 'pino';"],
  ])('holds for the pure modules workflows import too: %s may not %s', async (file, line) => {
    expect(await wallMessages(file, line)).not.toEqual([]);
  });

  it('leaves the rest of the core free to do I/O', async () => {
    const activity = "import pg from 'pg';\nimport { RentProgClient } from '../rentprog/api/client.js';";
    expect(await wallMessages('src/activities/lint-probe.ts', activity)).toEqual([]);
    expect(
      await wallMessages('src/temporal/lint-probe.ts', "import { Client } from '@temporalio/client';"),
    ).toEqual([]);
  });
});

describe('the edge wall: the core imports nothing from the bot, the CLI, the ingress or the simulator', () => {
  const core: [string, string][] = [
    ['src/activities/notify', "import { z } from 'zod';"],
    ['src/temporal', "import { Client } from '@temporalio/client';"],
    ['src/store', "import pg from 'pg';"],
    ['src/rentprog/api', "import { z } from 'zod';"],
    ['src/telegram', "import { z } from 'zod';"],
    ['src/incidents', "import { z } from 'zod';"],
    ['src/notify', "import { ApplicationFailure } from '@temporalio/common';"],
    ['src/texts', "import { formatShort } from './format.js';"],
    ['src/workflows', "import { proxyActivities } from '@temporalio/workflow';"],
  ];
  const edges = ['bot/create-bot.js', 'cli/main.js', 'ingress/serve-ingress.js', 'simulator/simulator.js'];

  it.each(core)('%s: rejects each edge, even as a type, and allows %s', async (folder, allowed) => {
    const file = `${folder}/lint-probe.ts`;
    const up = path.posix.relative(folder, 'src');
    for (const edge of edges) {
      expect(await wallMessages(file, `import { thing } from '${up}/${edge}';`), edge).not.toEqual([]);
      expect(await wallMessages(file, `import type { Thing } from '${up}/${edge}';`), edge).not.toEqual([]);
    }
    expect(await wallMessages(file, allowed)).toEqual([]);
  });

  it('lets the edges use the core and each other', async () => {
    const cli =
      "import { createBot } from '../bot/create-bot.js';\nimport { openDatabase } from '../store/open-database.js';";
    expect(await wallMessages('src/cli/lint-probe.ts', cli)).toEqual([]);
  });
});

describe('the texts wall: texts only format', () => {
  it.each([
    "import { readFileSync } from 'node:fs';",
    "import pg from 'pg';",
    "import { Bot } from 'grammy';",
    "import { agendaEntries } from '../store/agenda-queries.js';",
    "import { sendMessage } from '../telegram/send-message.js';",
    "import { systemStatus } from '../temporal/system-status.js';",
  ])('rejects %s in src/texts/', async (line) => {
    expect(await wallMessages('src/texts/lint-probe.ts', line)).not.toEqual([]);
  });

  it('allows pure helpers and types of anything', async () => {
    const text = [
      "import type { AgendaEntry } from '../store/agenda-queries.js';",
      "import { probeNameOf } from '../incidents/keys.js';",
      "import { localDayOf } from '../time/local-day.js';",
      "import { branchLabel } from './format.js';",
    ].join('\n');
    expect(await wallMessages('src/texts/lint-probe.ts', text)).toEqual([]);
  });
});

/** Relative runtime imports of every module in src/ (`import type` and `export type` erase). */
function runtimeImports(): Map<string, string[]> {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join('src', f));
  const statement = /^(?:import|export)\s+(?!type\s)[^;]*?from\s+'(\.[^']+)'/gms;
  return new Map(
    files.map((file) => [
      file,
      [...readFileSync(file, 'utf8').matchAll(statement)].map((m) =>
        path.join(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')),
      ),
    ]),
  );
}

describe('the module graph', () => {
  it('has no import cycle in src/', () => {
    const graph = runtimeImports();
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles).toEqual([]);
  });
});
