import { createHash } from 'node:crypto';

/**
 * The dedup key of a webhook: SHA-256 over the branch and the canonical form of the
 * parsed event, so key order, spacing and the payload's encoding (Ruby hash, JSON string
 * or object) do not change it, while any change of content does.
 */
export function eventIdOf(branch: string, event: string, payload: Record<string, unknown>): string {
  return createHash('sha256')
    .update(`${branch}\n${canonicalJson({ event, payload })}`)
    .digest('hex');
}

/** JSON with object keys sorted at every depth. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
