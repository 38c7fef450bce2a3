/** An authentic webhook we could not read, kept whole so an engineer can fix and replay it. */
export interface QuarantineInput {
  branch: string;
  reason: string;
  receivedAt: string;
  contentType: string;
  /** The raw body: UTF-8 text when it decodes, base64 otherwise. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  bodySha256: string;
}
