import type { z } from 'zod';

/**
 * The most telling problem in a failed parse, as `path: message`. For unions (bare array
 * or `{data}`) it follows the alternative that got furthest, so the message points at
 * `1.id` rather than a bare "Invalid input".
 */
export function firstIssue(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string {
  const issue = issues[0];
  if (!issue) return '(root): invalid';
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const deepest = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
    return firstIssue(deepest, path);
  }
  return `${path.length ? path.map(String).join('.') : '(root)'}: ${issue.message}`;
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return issues[0]?.path.length ?? 0;
}
