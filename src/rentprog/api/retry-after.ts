/** What RentProg's clients waited when a 429 said nothing (docs/rentprog-api.md, Limits and errors). */
export const DEFAULT_RETRY_AFTER_MS = 60_000;

/**
 * Reads `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3) and returns
 * milliseconds from `now`; a missing or unreadable header means the default.
 */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number {
  const value = header?.trim();
  if (!value) return DEFAULT_RETRY_AFTER_MS;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return DEFAULT_RETRY_AFTER_MS;
  return Math.max(0, at - now);
}
