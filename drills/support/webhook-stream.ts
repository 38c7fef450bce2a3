import type { SimEntity } from '../../src/simulator/dataset.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { webhookBody } from '../../src/simulator/webhook-sender.js';

export interface WebhookAnswer {
  status: number | 'error';
  workflowId?: string;
  spooled: boolean;
  duplicate: boolean;
  ms: number;
  /** When it was sent (epoch ms), to pick the answers of a time window. */
  at: number;
}

/** Changes in turn: plain updates, ones that notify a branch chat, cars and clients. */
const CHANGES: { kind: SimEntity; change: (n: number) => Record<string, unknown> }[] = [
  { kind: 'booking', change: (n) => ({ total: 1000 + n }) },
  { kind: 'booking', change: (n) => ({ location_start: `Офис, окно ${n}` }) },
  { kind: 'car', change: (n) => ({ mileage: 200_000 + n }) },
  { kind: 'client', change: (n) => ({ phone: `+9955${String(n).padStart(8, '0')}` }) },
  { kind: 'booking', change: (n) => ({ end_worker_id: 7000 + n }) },
];

/**
 * RentProg's side of a drill: at a steady rate, a user changes an entity (in the
 * simulator) and RentProg posts the `*_update` webhook to the real ingress. Every change
 * is new, so every webhook is a distinct event.
 */
export class WebhookStream {
  readonly answers: WebhookAnswer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private sent = 0;

  constructor(
    private readonly options: {
      sim: Simulator;
      ingressUrl: string;
      webhookSecrets: Record<string, string>;
      branches: string[];
      perSecond: number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      const post = this.post(this.sent++).finally(() => this.inFlight.delete(post));
      this.inFlight.add(post);
    }, 1000 / this.options.perSecond);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }

  /** The answers that promised the event would be processed: 200 and 202 (spooled). */
  get accepted(): (WebhookAnswer & { workflowId: string })[] {
    return this.answers.filter(
      (a): a is WebhookAnswer & { workflowId: string } =>
        typeof a.status === 'number' && a.status >= 200 && a.status < 300 && a.workflowId !== undefined,
    );
  }

  summary() {
    const count = (test: (a: WebhookAnswer) => boolean) => this.answers.filter(test).length;
    const other: Record<string, number> = {};
    for (const { status } of this.answers) {
      if (status !== 200 && status !== 202) other[status] = (other[status] ?? 0) + 1;
    }
    const ms = sortedMs(this.answers);
    return {
      sent: this.answers.length,
      accepted: this.accepted.length,
      ok200: count((a) => a.status === 200),
      spooled202: count((a) => a.status === 202 && a.spooled),
      duplicates: count((a) => a.duplicate),
      /** Answers other than 200 and 202, e.g. `503: 2, error: 1`, or `none`. */
      other:
        Object.entries(other)
          .map(([status, count]) => `${status}: ${count}`)
          .join(', ') || 'none',
      p50Ms: percentile(ms, 0.5),
      p99Ms: percentile(ms, 0.99),
      maxMs: ms.at(-1) ?? 0,
    };
  }

  /** p50, p99 and max of the answers to webhooks sent within [from, to]. */
  latencyBetween(from: number, to: number) {
    const ms = sortedMs(this.answers.filter((a) => a.at >= from && a.at <= to));
    return {
      count: ms.length,
      p50Ms: percentile(ms, 0.5),
      p99Ms: percentile(ms, 0.99),
      maxMs: ms.at(-1) ?? 0,
    };
  }

  private async post(n: number): Promise<void> {
    const { sim, branches, ingressUrl, webhookSecrets } = this.options;
    const branch = branches[n % branches.length]!;
    const { kind, change } = CHANGES[Math.floor(n / branches.length) % CHANGES.length]!;
    const data = sim.branch(branch);
    const before = data.list(kind, Math.floor(Math.random() * data.count(kind)), 1)[0]!;
    const changes = change(n);
    const { after } = data.update(kind, before.id, changes);
    // RentProg's update webhook: each changed attribute as [old, new], plus its fixed keys.
    const payload = {
      ...Object.fromEntries(
        Object.keys(changes).map((key) => [key, [before[key] ?? null, after[key] ?? null]]),
      ),
      id: before.id,
      created_from_api: false,
      updated_from_api: false,
      ...(kind === 'booking' ? { user_id: 5001 } : {}),
    };
    const started = performance.now();
    const at = Date.now();
    const url = `${ingressUrl}/webhooks/rentprog/${branch}?t=${webhookSecrets[branch]}`;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'rentprog_webhook/1.0' },
        body: webhookBody(`${kind}_update`, payload),
        signal: AbortSignal.timeout(20_000),
      });
      const answer = (await response.json().catch(() => ({}))) as Partial<WebhookAnswer>;
      this.answers.push({
        status: response.status,
        workflowId: answer.workflowId,
        spooled: answer.spooled === true,
        duplicate: answer.duplicate === true,
        ms: Math.round(performance.now() - started),
        at,
      });
    } catch {
      const ms = Math.round(performance.now() - started);
      this.answers.push({ status: 'error', spooled: false, duplicate: false, ms, at });
    }
  }
}

const sortedMs = (answers: WebhookAnswer[]) => answers.map((a) => a.ms).sort((a, b) => a - b);
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
