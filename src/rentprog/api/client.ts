import type { z } from 'zod';
import type { RentProgRequestObservation } from '../../metrics/metrics.js';
import {
  type RentProgErrorContext,
  RentProgAuthError,
  RentProgInvalidResponseError,
  RentProgNetworkError,
  RentProgNotFoundError,
  RentProgRateLimitedError,
  RentProgServerError,
} from './errors.js';
import { firstZodProblem } from './zod-problem.js';
import { parseRetryAfter } from './retry-after.js';
import { tokenResponseSchema } from './schemas.js';
import { Throttle, type ThrottleClock } from './throttle.js';
import { type IssuedToken, TokenCache } from './token-cache.js';

export interface RentProgClientOptions {
  baseUrl: string;
  /** Company token per branch. Secret: used for `get_token` only, never logged. */
  branchKeys: Record<string, string>;
  timeoutMs: number;
  maxRequestsPerMinute: number;
  tokenRefreshMarginMs?: number;
  /** Told about every request (branch, endpoint, status, seconds), e.g. for metrics. */
  observe?: (observation: RentProgRequestObservation) => void;
  /** Told whether a branch's token works: refused for good, or a request answered. */
  authWatch?: AuthWatch;
  /** The clock requests are spaced by; the system clock unless a test passes its own. */
  throttleClock?: ThrottleClock;
}

/**
 * `refused`: 401/403 even after a fresh token, or the company token itself refused.
 * `answered`: a request of the branch succeeded, so its token works (again).
 */
export interface AuthWatch {
  refused(error: RentProgAuthError): void;
  answered(branch: string): void;
}

export type Query = Record<string, string | number | undefined>;

export interface RequestOptions<T extends z.ZodType> {
  query?: Query;
  schema: T;
  /** Cancels the request, e.g. when Temporal cancels the activity. */
  signal?: AbortSignal;
}

/**
 * The RentProg public API for all configured branches: one cached request token per
 * branch, requests spaced per branch, every failure turned into one RentProgError class.
 * It never retries on its own except once after a refused token; retrying is Temporal's job.
 */
export class RentProgClient {
  private readonly tokens: TokenCache;
  private readonly throttle: Throttle;

  constructor(private readonly options: RentProgClientOptions) {
    this.tokens = new TokenCache((branch) => this.exchangeToken(branch), {
      refreshMarginMs: options.tokenRefreshMarginMs,
    });
    this.throttle = new Throttle(options.maxRequestsPerMinute, options.throttleClock);
  }

  get branches(): string[] {
    return Object.keys(this.options.branchKeys);
  }

  /** GET an endpoint with the branch's request token and validate the answer. */
  async get<T extends z.ZodType>(
    branch: string,
    endpoint: string,
    request: RequestOptions<T>,
  ): Promise<z.output<T>> {
    try {
      const body = await this.getOnce(branch, endpoint, request);
      this.options.authWatch?.answered(branch);
      return body;
    } catch (err) {
      if (err instanceof RentProgAuthError) this.options.authWatch?.refused(err);
      throw err;
    }
  }

  private async getOnce<T extends z.ZodType>(
    branch: string,
    endpoint: string,
    request: RequestOptions<T>,
  ): Promise<z.output<T>> {
    const context = { branch, endpoint };
    let token = await this.tokens.get(branch);
    let response = await this.send(context, request.query, token, request.signal);
    if (response.status === 401 || response.status === 403) {
      // An expired or revoked token: get a new one and try this request once more.
      await response.body?.cancel();
      this.tokens.invalidate(branch, token);
      token = await this.tokens.get(branch);
      response = await this.send(context, request.query, token, request.signal);
    }
    return this.read(context, response, request.schema);
  }

  private async exchangeToken(branch: string): Promise<IssuedToken> {
    const companyToken = this.options.branchKeys[branch];
    const context = { branch, endpoint: '/get_token' };
    if (!companyToken) throw new RentProgAuthError(context, 'no company token configured for this branch');
    const response = await this.send(context, { company_token: companyToken });
    const body = await this.read(context, response, tokenResponseSchema);
    return { token: body.token, expiresAt: parseExp(body.exp) };
  }

  private async send(
    context: RentProgErrorContext,
    query: Query | undefined,
    token?: string,
    signal?: AbortSignal,
  ): Promise<Response> {
    await this.throttle.acquire(context.branch);
    const url = new URL(this.options.baseUrl + context.endpoint);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const started = performance.now();
    const observe = (status: number | 'network') =>
      this.options.observe?.({ ...context, status, seconds: (performance.now() - started) / 1000 });
    try {
      const response = await fetch(url, {
        headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      observe(response.status);
      return response;
    } catch (err) {
      observe('network');
      throw this.networkError(context, err, signal);
    }
  }

  private async read<T extends z.ZodType>(
    context: RentProgErrorContext,
    response: Response,
    schema: T,
  ): Promise<z.output<T>> {
    const withStatus = { ...context, status: response.status };
    if (!response.ok) {
      await response.body?.cancel();
      throw statusError(withStatus, response);
    }
    let body: unknown;
    try {
      body = JSON.parse(await response.text());
    } catch (err) {
      if (err instanceof SyntaxError)
        throw new RentProgInvalidResponseError(withStatus, 'the answer is not JSON');
      throw this.networkError(withStatus, err);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new RentProgInvalidResponseError(
        withStatus,
        `unexpected answer at ${firstZodProblem(parsed.error.issues)}`,
      );
    }
    return parsed.data;
  }

  private networkError(context: RentProgErrorContext, err: unknown, signal?: AbortSignal): Error {
    // Cancellation by the caller is not a RentProg failure: let it through unchanged.
    if (signal?.aborted)
      return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
    const name = err instanceof Error ? err.name : '';
    if (name === 'TimeoutError') {
      return new RentProgNetworkError(context, `no answer within ${this.options.timeoutMs} ms`, {
        cause: err,
      });
    }
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const code = (cause as { code?: string } | undefined)?.code;
    const reason = code ?? (cause instanceof Error ? cause.message : 'request failed');
    return new RentProgNetworkError(context, `network error (${reason})`, { cause: err });
  }
}

function statusError(context: Required<RentProgErrorContext>, response: Response) {
  const { status } = context;
  if (status === 401 || status === 403) {
    const which =
      context.endpoint === '/get_token' ? 'the company token (check RENTPROG_BRANCH_KEYS)' : 'a fresh token';
    return new RentProgAuthError(context, `RentProg refused ${which}`);
  }
  if (status === 404) return new RentProgNotFoundError(context, 'not found in this branch');
  if (status === 429)
    return new RentProgRateLimitedError(context, parseRetryAfter(response.headers.get('retry-after')));
  if (status >= 500) return new RentProgServerError(context, 'RentProg server error');
  return new RentProgInvalidResponseError(context, `RentProg refused the request`);
}

/** `exp` is an ISO time in the one example seen; epoch seconds or ms are taken too. */
function parseExp(exp: string | number | undefined): Date | undefined {
  if (exp === undefined) return undefined;
  const date = typeof exp === 'number' ? new Date(exp < 1e12 ? exp * 1000 : exp) : new Date(exp);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
