/** The gRPC status codes we tell apart (a fixed standard; grpc-js is not our dependency). */
const status = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  ABORTED: 10,
  UNAVAILABLE: 14,
} as const;
const STATUS_NAMES: Record<number, string> = {
  ...Object.fromEntries(Object.entries(status).map(([name, code]) => [code, name])),
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  9: 'FAILED_PRECONDITION',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  16: 'UNAUTHENTICATED',
};

/** Temporal did not answer in time or at all: spool the webhook and answer 202. */
export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}

/**
 * Temporal answered and refused the start, for a reason retrying will not change: an input
 * over its size limit, an undefined search attribute, an unknown namespace, no permission.
 */
export class TemporalRefusedError extends Error {
  override name = 'TemporalRefusedError';
  constructor(
    message: string,
    readonly grpcCode: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** The input itself is what Temporal refused, so the webhook belongs in quarantine. */
  get inputRefused(): boolean {
    return this.grpcCode === status.INVALID_ARGUMENT && /size|limit|large/i.test(this.message);
  }
}

// Each of these says "not now" rather than "never": the server is down, busy or slow.
const TRANSIENT_CODES = new Set<number>([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.CANCELLED,
  status.ABORTED,
]);
const TRANSIENT_NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|socket hang up/;

/** Sorts any error from a workflow start into "away" (spool) or "refused" (answer for what it is). */
export function classifyStartError(
  err: unknown,
  workflowId: string,
): TemporalUnavailableError | TemporalRefusedError {
  const code = grpcCodeOf(err);
  const message = `Temporal did not accept ${workflowId}: ${describe(err, code)}`;
  const transient =
    code === undefined
      ? TRANSIENT_NETWORK.test(chainText(err)) || /deadline/i.test(chainText(err))
      : TRANSIENT_CODES.has(code);
  return transient
    ? new TemporalUnavailableError(message, { cause: err })
    : new TemporalRefusedError(message, code, { cause: err });
}

function grpcCodeOf(err: unknown): number | undefined {
  for (let e: unknown = err, hops = 0; e && hops < 5; e = (e as { cause?: unknown }).cause, hops++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

function chainText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, hops = 0; e && hops < 5; e = (e as { cause?: unknown }).cause, hops++) {
    const code = (e as { code?: unknown }).code;
    parts.push(e instanceof Error ? e.message : typeof e === 'string' ? e : '');
    if (typeof code === 'string') parts.push(code);
  }
  return parts.join(' | ');
}

function describe(err: unknown, code: number | undefined): string {
  const cause = err instanceof Error ? (err.cause ?? err) : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  return code === undefined ? message : `${message} (gRPC ${STATUS_NAMES[code] ?? code})`;
}
