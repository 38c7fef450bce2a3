import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulatorApp } from './app.js';
import { type BranchData, seedBranches, type SimulatedBranch } from './branch-data.js';
import type { Entity, SimEntity } from './dataset.js';
import { type Fault, FaultTable } from './faults.js';
import { POISON } from './poison.js';
import { seededRandom } from './random.js';
import { RateWindows } from './rate-windows.js';
import { RequestLog } from './request-log.js';
import { TokenIssuer } from './tokens.js';
import { type Delivery, type WebhookOptions, WebhookOutbox } from './webhook-sender.js';

export type { SimulatedBranch } from './branch-data.js';

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

/**
 * A RentProg look-alike HTTP server for tests, the demo and benchmarks: seeded data per
 * branch, tokens with a TTL, RentProg's quirks, faults on demand, a request log, and
 * webhooks for every change made through its control API.
 */
export class Simulator {
  readonly faults = new FaultTable();
  readonly requests = new RequestLog();
  /** Entities given raw values by `poison`, so a check can tell them from the rest. */
  readonly poisoned: { kind: SimEntity; branch: string; id: number; fields: Record<string, unknown> }[] = [];
  readonly basePath: string;
  private readonly branches: Map<string, BranchData>;
  private readonly tokens: TokenIssuer;
  private readonly webhooks: WebhookOutbox;
  private readonly rateWindows = new RateWindows();
  private readonly random: () => number;
  private server?: http.Server;
  url = '';

  constructor(options: SimulatorOptions) {
    const seed = options.seed ?? 1;
    this.basePath = options.basePath ?? '/api/v1/public';
    this.random = seededRandom(seed ^ 0x5eed);
    this.branches = seedBranches(options.branches, {
      seed,
      scale: options.scale ?? 200,
      referenceDate: options.referenceDate ?? new Date(),
    });
    const companies = new Map(options.branches.map((b) => [b.companyToken, b.name]));
    this.tokens = new TokenIssuer(companies, options.tokenTtlSeconds ?? 240);
    this.webhooks = new WebhookOutbox(options.webhookUrls, options.webhooks);
  }

  /** The API root to configure as RENTPROG_BASE_URL. */
  get baseUrl(): string {
    return `${this.url}${this.basePath}`;
  }

  /** Every webhook sent, in order. */
  get deliveries(): Delivery[] {
    return this.webhooks.deliveries;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    const api = {
      tokens: this.tokens,
      faults: this.faults,
      rateWindows: this.rateWindows,
      requests: this.requests,
      branch: (name: string) => this.branch(name),
      random: this.random,
    };
    this.server = http.createServer(simulatorApp(this.basePath, api, this));
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
    this.tokens.expireAll();
  }

  setWebhookUrl(branch: string, url: string): void {
    this.webhooks.setUrl(branch, url);
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
    return {
      entity: after,
      deliveries: await this.webhooks.emit(branch, `${kind}_update`, payload, webhook),
    };
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
    return { entity, deliveries: await this.webhooks.emit(branch, `${kind}_create`, entity, webhook) };
  }

  /** Archived bookings drop out of `/all_bookings` but can still be read by id. */
  archiveBooking(branch: string, id: number, webhook?: WebhookOptions) {
    return this.update('booking', branch, id, { archive: true, active: false }, webhook);
  }

  async destroy(kind: SimEntity, branch: string, id: number, webhook?: WebhookOptions) {
    const entity = this.branch(branch).delete(kind, id);
    return { entity, deliveries: await this.webhooks.emit(branch, `${kind}_destroy`, { id }, webhook) };
  }
}
