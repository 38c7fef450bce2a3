import type { BotDeps } from './deps.js';

/**
 * The branch a command names, by key or by the name people use (RENTPROG_BRANCH_NAMES),
 * in any case: `/today Батуми` and `/today batumi` are the same. Undefined when none matches.
 */
export function branchNamed(
  deps: Pick<BotDeps, 'branches' | 'branchNames'>,
  text: string,
): string | undefined {
  const wanted = text.trim().toLocaleLowerCase('ru');
  return deps.branches.find(
    (branch) =>
      branch.toLocaleLowerCase('ru') === wanted ||
      (deps.branchNames[branch] ?? branch).toLocaleLowerCase('ru') === wanted,
  );
}

/** The command's text after the command itself. */
export const commandArgument = (match: unknown): string => (typeof match === 'string' ? match : '').trim();
