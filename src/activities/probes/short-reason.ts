import { RentProgError } from '../../rentprog/api/errors.js';
import { HttpProbeError } from './http-probe.js';
import { MAX_REASON_LENGTH } from '../../workflows/health-check-types.js';

const KNOWN_CAUSES: [RegExp, string][] = [
  [/ECONNREFUSED/, 'connection refused'],
  [/ENOTFOUND|EAI_AGAIN/, 'host not found'],
  [/ETIMEDOUT|timed? ?out|TimeoutError/i, 'timed out'],
  [/ECONNRESET|terminated unexpectedly|Connection terminated/i, 'connection lost'],
  [/password authentication|no pg_hba/i, 'login refused'],
];

/** Turns an error into a reason an operator can read on one line (≤ 30 characters). */
export function shortReason(err: unknown): string {
  if (err instanceof RentProgError) return truncate(rentprogReason(err));
  if (err instanceof HttpProbeError) return truncate(err.message);
  const text = err instanceof Error ? `${err.name}: ${err.message} ${codeOf(err)}` : String(err);
  const known = KNOWN_CAUSES.find(([pattern]) => pattern.test(text));
  const reason = known ? known[1] : err instanceof Error ? err.message : String(err);
  return truncate(reason || 'unknown error');
}

export function truncate(text: string, max = MAX_REASON_LENGTH): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

function rentprogReason(err: RentProgError): string {
  switch (err.kind) {
    case 'auth':
      return `auth refused (${err.status ?? 'no token'})`;
    case 'not-found':
      return 'not found (404)';
    case 'rate-limited':
      return 'rate limited (429)';
    case 'server':
      return `server error ${err.status}`;
    case 'invalid-response':
      return err.status && err.status >= 400 ? `request refused (${err.status})` : 'unreadable answer';
    case 'network':
      return shortReason(err.cause ?? err.message);
  }
}

function codeOf(err: Error): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}
