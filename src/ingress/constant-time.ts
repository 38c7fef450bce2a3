import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares secrets without leaking how much of them matched through timing. Both sides
 * are hashed first so the comparison has the same length (and time) whatever was sent.
 */
export function constantTimeEqual(given: string | Buffer, expected: string | Buffer): boolean {
  const digest = (value: string | Buffer) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
