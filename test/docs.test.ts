import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../src/config/schema.js';

const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const markdown = ['README.md', ...readdirSync(path.join(root, 'docs')).map((f) => `docs/${f}`)];

/** Every file we write, as a fresh clone has it (no dependencies, builds or data). */
function ownFiles(dir = root): string[] {
  const skip = new Set(['node_modules', '.git', 'lib', 'data', '.temporal', 'coverage']);
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (skip.has(name)) return [];
    if (statSync(full).isDirectory()) return ownFiles(full);
    return /\.(ts|js|md|json|ya?ml|sh)$|^(run|env\.example|Dockerfile)$/.test(name) ? [full] : [];
  });
}

describe('the documents a fresh clone carries', () => {
  it('document every environment variable the service reads, in operations.md and env.example', () => {
    const operations = read('docs/operations.md');
    const example = read('env.example');
    const variables = Object.keys(envSchema.shape);
    expect(variables.filter((v) => !operations.includes(`\`${v}\``))).toEqual([]);
    expect(variables.filter((v) => !new RegExp(`^${v}=`, 'm').test(example))).toEqual([]);
  });

  it('link only to files that exist', () => {
    const broken: string[] = [];
    for (const file of markdown) {
      for (const [, target] of read(file).matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)) {
        if (!existsSync(path.join(root, path.dirname(file), target!))) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('never point at anything outside the repository', () => {
    // The design notes the project started from are not part of it: docs/ says it all.
    // Built from parts, so this file does not itself name them.
    const names = [
      ['..', 'shared'].join('/'),
      ['TEMPORAL', 'NOTES'].join('_'),
      ...['DESIGN', 'STYLE'].map((n) => `${n}.md`),
    ];
    const escaped = names.map((name) => name.replace(/[./]/g, (c) => `\\${c}`));
    const outside = new RegExp([...escaped, `(?<!rentprog-)${'API'}\\.md`].join('|'));
    const offenders = ownFiles()
      .filter((file) => outside.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(offenders).toEqual([]);
  });

  it('keep the README short enough to read in one sitting', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(150);
  });
});
