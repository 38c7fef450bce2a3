/**
 * An authentic webhook we could not read or could not hand to Temporal. The body itself
 * stays out of the workflow (it may be megabytes, and holds personal data): it is kept
 * in the quarantine body store, found by `bodyRef`, and the workflow gets its digest.
 */
export interface QuarantineInput {
  branch: string;
  reason: string;
  receivedAt: string;
  contentType: string;
  bodySha256: string;
  bytes: number;
  /** Where the body is: `postgres:webhook_bodies/<sha256>` or `file:<path>`. */
  bodyRef: string;
}
