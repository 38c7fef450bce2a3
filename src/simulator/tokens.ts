import { randomBytes } from 'node:crypto';
import type { RouteAnswer } from './api-routes.js';

/** RentProg's two tokens: a branch's company token buys short-lived access tokens. */
export class TokenIssuer {
  private issued = new Map<string, { branch: string; expiresAt: number }>();

  constructor(
    /** Company token → branch name. */
    private readonly companies: ReadonlyMap<string, string>,
    private readonly ttlSeconds: number,
  ) {}

  /** The branch a `get_token` call's company token belongs to. */
  companyBranch(companyToken: string | null): string | undefined {
    return this.companies.get(companyToken ?? '');
  }

  /** Both `Bearer <t>` and a raw `<t>` are accepted (docs/rentprog-api.md, Tokens). */
  branchOf(authorization?: string): string | undefined {
    const token = authorization?.replace(/^Bearer\s+/i, '').trim();
    const issued = token ? this.issued.get(token) : undefined;
    if (!issued || issued.expiresAt <= Date.now()) return undefined;
    return issued.branch;
  }

  issue(branch: string): RouteAnswer {
    const token = `sim.${randomBytes(24).toString('base64url')}`;
    const expiresAt = Date.now() + this.ttlSeconds * 1000;
    this.issued.set(token, { branch, expiresAt });
    // RentProg's format: milliseconds and an explicit +00:00 offset (docs/rentprog-api.md, Tokens).
    return { status: 200, body: { token, exp: new Date(expiresAt).toISOString().replace('Z', '+00:00') } };
  }

  /** Every issued token stops working now (the next request gets 401). */
  expireAll(): void {
    this.issued = new Map();
  }
}
