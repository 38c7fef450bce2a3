import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import path from 'node:path';

// Lint walls: what each folder may import (test/lint-walls.test.ts proves each). Workflow code
// is replayed by Temporal and must be deterministic, so at runtime it imports only the
// workflow SDK and the pure modules listed here; everything else as `import type`.
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));
const ioLibraries = [
  'pg',
  'pg-*',
  '@electric-sql/*',
  'express',
  'express-*',
  'grammy',
  '@grammyjs/*',
  'undici',
  'axios',
  'node-fetch',
  'ws',
  'pino',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];
/** Modules with no I/O and no clock that workflows may import at runtime. */
const workflowSafe = [
  'src/workflows',
  'src/notify',
  'src/rentprog/webhooks/webhook-event.ts',
  'src/rentprog/webhooks/normalize-event.ts',
  'src/rentprog/webhooks/parse-webhook.ts',
  'src/rentprog/webhooks/ruby-literal.ts',
  'src/temporal/rentprog-retry-policy.ts',
];
/** What the operators' texts may import at runtime: formatting, never I/O. */
const textSafe = ['src/texts', 'src/time', 'src/incidents/keys.ts', ...workflowSafe];
/** The core, which the edges (bot, CLI, ingress, simulator) use and never the other way round. */
const coreFolders = [
  'activities',
  'config',
  'incidents',
  'logging',
  'metrics',
  'notify',
  'rentprog',
  'store',
  'telegram',
  'temporal',
  'texts',
  'time',
  'workflows',
];

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A regex matching every relative import from a file in `fromDir` that does not point at
 * one of `allowed` (folders: any module directly in them; files: that module).
 */
function relativeImportsOutside(fromDir, allowed) {
  const specifiers = allowed.map((target) => {
    const isFile = target.endsWith('.ts');
    let rel = path.posix.relative(fromDir, isFile ? target.replace(/\.ts$/, '.js') : target) || '.';
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return isFile ? escapeRegex(rel) : `${escapeRegex(rel)}/[^/]+\\.js`;
  });
  return `^(?!(?:${specifiers.join('|')})$)\\.\\.?/`;
}

const edgeWall = {
  regex: '^(\\.\\./)+(bot|cli|ingress|simulator)/',
  message:
    'The core must not depend on the bot, the CLI, the ingress or the simulator: move what both need into a module of the core.',
};

const workflowWall = (fromDir) => [
  {
    regex: '^(?!\\.|@temporalio/(workflow|common)$)',
    allowTypeImports: true,
    message:
      'Workflow code is replayed and must not do I/O: at runtime it imports only @temporalio/workflow and @temporalio/common.',
  },
  {
    regex: relativeImportsOutside(fromDir, workflowSafe),
    allowTypeImports: true,
    message:
      'Workflow code imports only pure modules at runtime (eslint.config.js, workflowSafe); anything else as `import type`.',
  },
];

const textWall = (fromDir) => [
  {
    group: ['node:*', ...nodeBuiltins, ...ioLibraries],
    allowTypeImports: true,
    message: 'Texts only format: no I/O.',
  },
  {
    regex: relativeImportsOutside(fromDir, textSafe),
    allowTypeImports: true,
    message:
      'Texts only format: at runtime they import only pure modules (eslint.config.js, textSafe); anything else as `import type`.',
  },
];

function workflowSafeByFolder() {
  const byFolder = new Map();
  for (const target of workflowSafe) {
    const dir = target.endsWith('.ts') ? path.posix.dirname(target) : target;
    byFolder.set(dir, [...(byFolder.get(dir) ?? []), target]);
  }
  return byFolder;
}

const walls = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

/** Later entries override earlier ones for the same file, so each carries every wall that applies. */
const wallConfigs = [
  ...coreFolders.map((folder) => walls([`src/${folder}/**/*.ts`], [edgeWall])),
  walls(['src/texts/**/*.ts'], [edgeWall, ...textWall('src/texts')]),
  ...[...workflowSafeByFolder()].map(([dir, targets]) =>
    walls(
      targets.map((target) => (target.endsWith('.ts') ? target : `${target}/**/*.ts`)),
      [edgeWall, ...workflowWall(dir)],
    ),
  ),
];

export default tseslint.config(
  { ignores: ['node_modules/', 'lib/', 'data/', '.temporal/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...wallConfigs,
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Workflows take configuration as input, never from process.' },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { URL: 'readonly', process: 'readonly', console: 'readonly' },
    },
  },
);
