import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_ROUTES, type RouteAnswer } from './api-routes.js';
import { BranchData } from './branch-data.js';
import type { Entity, SimEntity } from './dataset.js';
import { type Fault, FaultTable } from './faults.js';
import { POISON } from './poison.js';
import { seededRandom } from './random.js';
import { RequestLog } from './request-log.js';
import { type Delivery, deliverWebhook, webhookBody, type WebhookOptions } from './webhook-sender.js';
import { handleControl } from './control-routes.js';

export interface SimulatedBranch {
  name: string;
  /** The company token this branch's `get_token` accepts. */
  companyToken: string;
  bookings?: number;
  cars?: number;
  clients?: number;
}

export interface SimulatorOptions {
  branches: SimulatedBranch[];
  seed?: number;
  /** Bookings per branch; cars and clients follow at 1:25 and 2:5 unless given. */
  scale?: number;
  referenceDate?: Date;
  tokenTtlSeconds?: number;
  basePath?: string;
  /** Where each branch's webhooks go (the ingress URL with its secret). */
  webhookUrls?: Record<string, string>;
  webhooks?: WebhookOptions;
}

export const FIRST_COMPANY_ID = 70_001;

/**
 * A RentProg look-alike HTTP server for tests, the demo and benchmarks: seeded data per
 * branch, tokens with a TTL, RentProg's quirks, faults on demand, a request log, and
 * webhooks for every change made through its control API.
 */
export class Simulator {
  readonly faults = new FaultTable();
  readonly requests = new RequestLog();
  readonly deliveries: Delivery[] = [];
  /** Entities given raw values by `poison`, so a check can tell them from the rest. */
  readonly poisoned: { kind: SimEntity; branch: string; id: number; fields: Record<string, unknown> }[] = [];
  readonly basePath: string;
  private readonly branches = new Map<string, BranchData>();
  private readonly companyTokens = new Map<string, string>();
  private tokens = new Map<string, { branch: string; expiresAt: number }>();
  private readonly rateWindows = new Map<string, number[]>();
  private readonly random: () => number;
  private server?: http.Server;
  url = '';

  constructor(private readonly options: SimulatorOptions) {
    const seed = options.seed ?? 1;
    const scale = options.scale ?? 200;
    const referenceDate = options.referenceDate ?? new Date();
    this.basePath = options.basePath ?? '/api/v1/public';
    this.random = seededRandom(seed ^ 0x5eed);
    options.branches.forEach((branch, branchNo) => {
      const bookings = branch.bookings ?? scale;
      const shape = {
        seed,
        branchNo,
        companyId: FIRST_COMPANY_ID + branchNo,
        cars: branch.cars ?? Math.max(1, Math.round(bookings / 25)),
        clients: branch.clients ?? Math.max(1, Math.round((bookings * 2) / 5)),
        referenceDate,
      };
      this.branches.set(branch.name, new BranchData(branch.name, shape, bookings));
      this.companyTokens.set(branch.companyToken, branch.name);
    });
  }

  /** The API root to configure as RENTPROG_BASE_URL. */
  get baseUrl(): string {
    return `${this.url}${this.basePath}`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  branch(name: string): BranchData {
    const data = this.branches.get(name);
    if (!data) throw new Error(`no simulated branch "${name}"`);
    return data;
  }

  branchNames(): string[] {
    return [...this.branches.keys()];
  }

  setFault(route: string, fault: Fault): void {
    this.faults.set(route, fault);
  }

  /** Every issued token stops working now (the next request gets 401). */
  expireTokens(): void {
    this.tokens = new Map();
  }

  setWebhookUrl(branch: string, url: string): void {
    this.options.webhookUrls = { ...this.options.webhookUrls, [branch]: url };
  }

  /** Changes fields of an entity as a RentProg user would, and sends the `*_update` webhook. */
  async update(
    kind: SimEntity,
    branch: string,
    id: number,
    changes: Record<string, unknown>,
    webhook?: WebhookOptions,
  ) {
    const { before, after } = this.branch(branch).update(kind, id, changes);
    const pairs = Object.fromEntries(
      Object.keys(changes).map((key) => [key, [before[key] ?? null, after[key] ?? null]]),
    );
    const payload = {
      ...pairs,
      id,
      created_from_api: false,
      updated_from_api: false,
      ...(kind === 'booking' ? { user_id: 5001 } : {}),
    };
    return { entity: after, deliveries: await this.emit(branch, `${kind}_update`, payload, webhook) };
  }

  /**
   * Sets raw fields on an entity, silently (no webhook): values Postgres cannot hold, by
   * default the kind's POISON, for a later sync to meet on its walk.
   */
  poison(
    kind: SimEntity,
    branch: string,
    id: number,
    fields: Record<string, unknown> = POISON[kind],
  ): Entity {
    const { after } = this.branch(branch).update(kind, id, fields);
    this.poisoned.push({ kind, branch, id, fields });
    return after;
  }

  async create(
    kind: SimEntity,
    branch: string,
    fields: Record<string, unknown> = {},
    webhook?: WebhookOptions,
  ) {
    const entity = this.branch(branch).create(kind, fields);
    return { entity, deliveries: await this.emit(branch, `${kind}_create`, entity, webhook) };
  }

  /** Archived bookings drop out of `/all_bookings` but can still be read by id. */
  archiveBooking(branch: string, id: number, webhook?: WebhookOptions) {
    return this.update('booking', branch, id, { archive: true, active: false }, webhook);
  }

  async destroy(kind: SimEntity, branch: string, id: number, webhook?: WebhookOptions) {
    const entity = this.branch(branch).delete(kind, id);
    return { entity, deliveries: await this.emit(branch, `${kind}_destroy`, { id }, webhook) };
  }

  private async emit(
    branch: string,
    event: string,
    payload: Entity | Record<string, unknown>,
    override?: WebhookOptions,
  ) {
    const url = this.options.webhookUrls?.[branch];
    if (!url) return [];
    const options = { ...this.options.webhooks, ...override };
    const body = webhookBody(event, payload, options);
    const sent = [await deliverWebhook(url, branch, event, body)];
    if (options.duplicate) sent.push(await deliverWebhook(url, branch, event, body));
    this.deliveries.push(...sent);
    return sent;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname.startsWith('/_control/')) return handleControl(this, req, res, url);
    const path = url.pathname.startsWith(this.basePath) ? url.pathname.slice(this.basePath.length) : null;
    const route =
      path === '/get_token' ? 'get_token' : API_ROUTES.find((r) => path && r.pattern.test(path))?.name;
    if (!path || !route) return send(res, 404, { error: 'No route' });

    const arrivedAt = Date.now();
    const answer = await this.answer(route, path, url.searchParams, req.headers.authorization);
    const page = url.searchParams.get('page');
    this.requests.record({
      route,
      branch: answer.branch ?? '?',
      at: arrivedAt,
      status: answer.status,
      ...(page === null ? {} : { page: Number(page) }),
    });
    if (answer.hang) return; // the client's timeout ends this one
    if (answer.raw !== undefined) {
      res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
      res.end(answer.raw);
      return;
    }
    send(res, answer.status, answer.body, answer.headers);
  }

  private async answer(route: string, path: string, query: URLSearchParams, authorization?: string) {
    const branch =
      route === 'get_token'
        ? this.companyTokens.get(query.get('company_token') ?? '')
        : this.tokenBranch(authorization);
    const fault = this.faults.for(route, branch);
    const reply = (a: RouteAnswer & { headers?: Record<string, string>; raw?: string; hang?: boolean }) => ({
      ...a,
      branch,
    });
    if (fault.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.hang) return reply({ status: 200, body: null, hang: true });
    if (!branch)
      return reply({
        status: 401,
        body: { error: route === 'get_token' ? 'Company not found' : 'Unauthorized' },
      });
    if (fault.status) return reply({ status: fault.status, body: { error: `simulated ${fault.status}` } });
    const limited = fault.rateLimit && this.rateLimited(branch, fault.rateLimit);
    if (limited) return reply({ status: 429, body: { error: 'Too many requests' }, headers: limited });
    // One draw for both shares, so they add up (30 % errors and 10 % throttled fail 40 %).
    const roll = fault.errorRate || fault.throttled ? this.random() : 1;
    if (fault.errorRate && roll < fault.errorRate) {
      return reply({ status: fault.errorStatus ?? 503, body: { error: 'simulated server error' } });
    }
    if (fault.throttled && roll < (fault.errorRate ?? 0) + fault.throttled.share) {
      const retryAfter = String(fault.throttled.retryAfterSeconds ?? 1);
      return reply({
        status: 429,
        body: { error: 'Too many requests' },
        headers: { 'Retry-After': retryAfter },
      });
    }
    const answer = route === 'get_token' ? this.issueToken(branch) : this.route(route, path, query, branch);
    if (fault.replaceBody !== undefined && answer.status === 200)
      return reply({ ...answer, body: fault.replaceBody });
    if (fault.malformedJson && answer.status === 200)
      return reply({ ...answer, raw: JSON.stringify(answer.body).slice(0, 20) });
    if (
      fault.wrongId &&
      answer.status === 200 &&
      answer.body &&
      typeof answer.body === 'object' &&
      'id' in answer.body
    ) {
      return reply({ ...answer, body: { ...answer.body, id: (answer.body.id as number) + 1 } });
    }
    return reply(answer);
  }

  private route(route: string, path: string, query: URLSearchParams, branch: string): RouteAnswer {
    const spec = API_ROUTES.find((r) => r.name === route)!;
    const id = spec.pattern.exec(path)?.[1];
    return spec.handle({ branch: this.branch(branch), query, id: id ? Number(id) : undefined });
  }

  private issueToken(branch: string): RouteAnswer {
    const token = `sim.${randomBytes(24).toString('base64url')}`;
    const expiresAt = Date.now() + (this.options.tokenTtlSeconds ?? 240) * 1000;
    this.tokens.set(token, { branch, expiresAt });
    // RentProg's format: milliseconds and an explicit +00:00 offset (docs/rentprog-api.md, Tokens).
    return { status: 200, body: { token, exp: new Date(expiresAt).toISOString().replace('Z', '+00:00') } };
  }

  /** Both `Bearer <t>` and a raw `<t>` are accepted (docs/rentprog-api.md, Tokens). */
  private tokenBranch(authorization?: string): string | undefined {
    const token = authorization?.replace(/^Bearer\s+/i, '').trim();
    const issued = token ? this.tokens.get(token) : undefined;
    if (!issued || issued.expiresAt <= Date.now()) return undefined;
    return issued.branch;
  }

  private rateLimited(
    branch: string,
    limit: NonNullable<Fault['rateLimit']>,
  ): Record<string, string> | undefined {
    const now = Date.now();
    const windowMs = limit.windowMs ?? 60_000;
    const window = (this.rateWindows.get(branch) ?? []).filter((at) => at > now - windowMs);
    this.rateWindows.set(branch, window);
    if (window.length < limit.limit) {
      window.push(now);
      return undefined;
    }
    const waitSeconds = Math.max(1, Math.ceil((window[0]! + windowMs - now) / 1000));
    const retryAfter = limit.retryAfter ?? { seconds: waitSeconds };
    if (retryAfter === 'none') return {};
    if ('date' in retryAfter) return { 'Retry-After': new Date(now + waitSeconds * 1000).toUTCString() };
    return { 'Retry-After': String(retryAfter.seconds) };
  }
}

export function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}
