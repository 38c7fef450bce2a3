import type { RentProgEvent } from '../rentprog/webhooks/webhook-event.js';
import type { QuarantineInput } from '../workflows/quarantine-types.js';

/** A webhook Temporal could not take in time, kept until the relay has started its workflow. */
export type SpoolEntry =
  | { kind: 'event'; input: RentProgEvent; spooledAt: string }
  | { kind: 'quarantine'; input: QuarantineInput; spooledAt: string };

export type SpooledEntry = SpoolEntry & { seq: number };

/** An entry whose start Temporal refused for good: kept for a person, never retried by the relay. */
export interface DeadLetter {
  entry: SpooledEntry;
  reason: string;
  deadAt: string;
}

/** The spool holds as much as it may (`SPOOL_MAX_BYTES`): the webhook is answered 503. */
export class SpoolFullError extends Error {
  override name = 'SpoolFullError';
}

export interface Spool {
  /** Resolves only once the entry is on disk; rejects if it cannot be written (SpoolFullError when full). */
  append(entry: SpoolEntry): Promise<void>;
  /** Entries neither acknowledged nor dead-lettered, oldest first (at most `limit`). */
  pending(limit?: number): Promise<SpooledEntry[]>;
  /** These entries' workflows exist: forget them. */
  ack(seqs: number[]): Promise<void>;
  /** Moves an entry out of the way of the relay into the dead letters, with the reason. */
  deadLetter(entry: SpooledEntry, reason: string): Promise<void>;
  /** Dead letters, newest first (at most `limit`). */
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  deadLetterCount(): Promise<number>;
  /** Entries waiting, as of the last write or read. */
  depth(): number;
}
