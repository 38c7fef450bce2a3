import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The workflow entry point for Temporal's bundler: `.ts` when running from source
 * (tsx, vitest), `.js` when running the compiled `lib/`.
 */
export const WORKFLOWS_PATH = (() => {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), '..', 'workflows', `index${path.extname(here)}`);
})();
