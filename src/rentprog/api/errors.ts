/** Who failed and whether it is worth trying again; one class per answer. */
export type RentProgErrorKind =
  'auth' | 'not-found' | 'rate-limited' | 'server' | 'network' | 'invalid-response';

export interface RentProgErrorContext {
  branch: string;
  /** The endpoint path without query string (query strings may carry a company token). */
  endpoint: string;
  status?: number;
}

/** Base of every RentProg failure. Messages carry branch, endpoint and status, never a token. */
export abstract class RentProgError extends Error {
  abstract readonly kind: RentProgErrorKind;
  abstract readonly retryable: boolean;
  readonly branch: string;
  readonly endpoint: string;
  readonly status?: number;

  constructor(context: RentProgErrorContext, detail: string, options?: { cause?: unknown }) {
    const status = context.status === undefined ? '' : ` → ${context.status}`;
    super(`RentProg ${context.branch} ${context.endpoint}${status}: ${detail}`, options);
    this.branch = context.branch;
    this.endpoint = context.endpoint;
    this.status = context.status;
  }
}

/** 401/403 even after a fresh token, or a company token RentProg refuses. Fix the configuration. */
export class RentProgAuthError extends RentProgError {
  override readonly name = 'RentProgAuthError';
  readonly kind = 'auth';
  readonly retryable = false;
}

/** 404: RentProg's answer for an id that belongs to another branch, or does not exist. */
export class RentProgNotFoundError extends RentProgError {
  override readonly name = 'RentProgNotFoundError';
  readonly kind = 'not-found';
  readonly retryable = false;
}

/** 429: try again after `retryAfterMs`. */
export class RentProgRateLimitedError extends RentProgError {
  override readonly name = 'RentProgRateLimitedError';
  readonly kind = 'rate-limited';
  readonly retryable = true;
  constructor(
    context: RentProgErrorContext,
    readonly retryAfterMs: number,
  ) {
    super(context, `rate limited, retry after ${Math.round(retryAfterMs / 1000)} s`);
  }
}

/** 5xx and other unexpected statuses: RentProg's side, worth retrying. */
export class RentProgServerError extends RentProgError {
  override readonly name = 'RentProgServerError';
  readonly kind = 'server';
  readonly retryable = true;
}

/** No answer: connection refused or reset, DNS, or our timeout. */
export class RentProgNetworkError extends RentProgError {
  override readonly name = 'RentProgNetworkError';
  readonly kind = 'network';
  readonly retryable = true;
}

/** An answer we cannot use: not JSON, the wrong shape, the wrong entity, or too many pages. */
export class RentProgInvalidResponseError extends RentProgError {
  override readonly name = 'RentProgInvalidResponseError';
  readonly kind = 'invalid-response';
  readonly retryable = false;
}
