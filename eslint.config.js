import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code is replayed by Temporal and must be deterministic: no Node built-ins,
// no I/O libraries, and no runtime imports of modules that reach the outside world
// (activities are imported as types only).
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
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];
const ioModulesOfOurs = ['**/activities', '**/activities/*', '**/store/*', '**/config/*', '**/ingress/*'];
const ioModulesOfOursNoTypes = ['**/bot/*', '**/cli/*', '**/simulator/*'];

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
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code is replayed and must not do I/O: move this into an activity.',
          })),
          patterns: [
            {
              group: ['node:*'],
              message: 'Workflow code is replayed and must not do I/O: move this into an activity.',
            },
            {
              group: ioLibraries,
              message: 'Workflow code is replayed and must not do I/O: move this into an activity.',
            },
            {
              group: ioModulesOfOurs,
              allowTypeImports: true,
              message: 'Workflows may import these modules as types only (`import type`).',
            },
            {
              group: ioModulesOfOursNoTypes,
              message: 'Workflows must not depend on the bot, CLI or simulator.',
            },
          ],
        },
      ],
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
