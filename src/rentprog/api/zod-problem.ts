import type { z } from 'zod';

/**
 * The most telling problem in a failed parse, as `path: message`. For unions (bare array
 * or `{data}`) it follows the alternative that got furthest, so the message points at
 * `1.id` rather than a bare "Invalid input".
 */
export function firstZodProblem(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string {
  const problem = issues[0];
  if (!problem) return '(root): invalid';
  const path = [...prefix, ...problem.path];
  if (problem.code === 'invalid_union' && problem.errors.length > 0) {
    const deepest = [...problem.errors].sort((a, b) => depth(b) - depth(a))[0]!;
    return firstZodProblem(deepest, path);
  }
  return `${path.length ? path.map(String).join('.') : '(root)'}: ${problem.message}`;
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return issues[0]?.path.length ?? 0;
}
