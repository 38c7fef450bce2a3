import { statSync } from 'node:fs';
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

/** Where `npm run build` writes the workflow bundle: `lib/workflow-bundle.js`. */
export const WORKFLOW_BUNDLE_PATH = path.join(path.dirname(WORKFLOWS_PATH), '..', 'workflow-bundle.js');

/**
 * The bundle `npm run build` wrote, when this process runs that build: only from `lib/`
 * (never from the sources, which may be newer than any bundle) and only when the bundle
 * was written after the compiled workflows (a build that failed while bundling leaves an
 * older one). Otherwise undefined, and the worker bundles `WORKFLOWS_PATH` at start.
 */
export function prebuiltWorkflowBundle(): { codePath: string } | undefined {
  if (path.extname(WORKFLOWS_PATH) !== '.js') return undefined;
  const bundle = statSync(WORKFLOW_BUNDLE_PATH, { throwIfNoEntry: false });
  if (!bundle || bundle.mtimeMs < statSync(WORKFLOWS_PATH).mtimeMs) return undefined;
  return { codePath: WORKFLOW_BUNDLE_PATH };
}
