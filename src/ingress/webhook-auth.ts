import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './constant-time.js';

export interface WebhookCredentials {
  /** `?t=` from the URL RentProg calls. */
  querySecret?: string;
  /** The signature header, hex, with or without `sha256=`. */
  signature?: string;
  rawBody: Buffer;
}

/**
 * True when the request carries one of the branch's secrets (current or previous, so
 * secrets rotate without downtime): either as `?t=` or as an HMAC-SHA256 of the raw body.
 * Runs before the body is parsed, and tries every secret so timing does not tell which.
 */
export function isAuthentic(credentials: WebhookCredentials, secrets: string[]): boolean {
  const signature = credentials.signature
    ?.trim()
    .replace(/^sha256=/i, '')
    .toLowerCase();
  let authentic = false;
  for (const secret of secrets) {
    if (credentials.querySecret !== undefined && constantTimeEqual(credentials.querySecret, secret))
      authentic = true;
    if (signature) {
      const expected = createHmac('sha256', secret).update(credentials.rawBody).digest('hex');
      if (constantTimeEqual(signature, expected)) authentic = true;
    }
  }
  return authentic;
}

export function signBody(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
