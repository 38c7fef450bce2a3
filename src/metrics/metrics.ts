import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What one RentProg request looked like, reported by the API client. */
export interface RentProgRequestObservation {
  branch: string;
  endpoint: string;
  status: number | 'network';
  seconds: number;
}

/**
 * The service's Prometheus metrics, one registry per process, served by the ingress at
 * `/metrics` and, with METRICS_PORT, by any role (serve-metrics.ts). Temporal's own SDK
 * metrics are separate (the Runtime's exporter).
 * Labels stay bounded: configured branch names, normalized endpoints, fixed outcomes.
 * The process's own series (resident memory, heap, event-loop lag, GC pauses) come with
 * it, for the memory and latency budgets in docs/operations.md.
 */
export class Metrics {
  readonly registry = new Registry();
  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
  private readonly webhooks = new Counter({
    name: 'rentprog_webhooks_total',
    help: 'Webhooks by branch, normalized type and outcome (accepted, duplicate, spooled, rejected_<code>)',
    labelNames: ['branch', 'type', 'outcome'],
    registers: [this.registry],
  });
  private readonly ackSeconds = new Histogram({
    name: 'rentprog_webhook_ack_seconds',
    help: 'Time from a webhook arriving to its answer',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: 'rentprog_api_requests_total',
    help: 'RentProg API requests by branch, endpoint and status',
    labelNames: ['branch', 'endpoint', 'status'],
    registers: [this.registry],
  });
  private readonly requestSeconds = new Histogram({
    name: 'rentprog_api_request_seconds',
    help: 'RentProg API request latency',
    labelNames: ['branch', 'endpoint'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  private readonly tokenExchanges = new Counter({
    name: 'rentprog_token_exchanges_total',
    help: 'Request-token exchanges (get_token) by branch',
    labelNames: ['branch'],
    registers: [this.registry],
  });
  private readonly syncEntities = new Counter({
    name: 'rentprog_sync_entities_total',
    help: 'Entities read by syncs, by branch and kind',
    labelNames: ['branch', 'kind'],
    registers: [this.registry],
  });
  private readonly lastSync = new Gauge({
    name: 'rentprog_last_successful_sync_timestamp_seconds',
    help: 'When each branch last finished a successful sync',
    labelNames: ['branch'],
    registers: [this.registry],
  });
  private readonly syncInterval = new Gauge({
    name: 'rentprog_sync_interval_seconds',
    help: 'How often each branch is synced (RENTPROG_SYNC_INTERVAL), for alerting on stale syncs',
    registers: [this.registry],
  });
  private readonly probes = new Gauge({
    name: 'rentprog_health_probe_ok',
    help: 'Last health probe result (1 ok, 0 failed)',
    labelNames: ['probe'],
    registers: [this.registry],
  });

  private readonly relayed = new Counter({
    name: 'rentprog_spool_relay_total',
    help: 'Spooled webhooks the relay handled, by outcome (relayed, duplicate, dead_lettered, temporal_away)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly breakerOpen = new Gauge({
    name: 'rentprog_temporal_breaker_open',
    help: '1 while the ingress spools every webhook at once (Temporal away, or back but not yet taking starts)',
    registers: [this.registry],
  });

  private readonly telegramDeliveries = new Counter({
    name: 'rentprog_telegram_deliveries_total',
    help: 'Telegram messages by purpose (notification, agenda, alert) and outcome (sent, already_sent, uncertain, failed)',
    labelNames: ['purpose', 'outcome'],
    registers: [this.registry],
  });
  private readonly incidentsOpen = new Gauge({
    name: 'rentprog_incidents_open',
    help: 'Incidents open now, by kind (auth, sync_failed, sync_stale, event_failed, quarantine, probe, temporal_away)',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly incidentTransitions = new Counter({
    name: 'rentprog_incidents_total',
    help: 'Incidents opened and resolved, by kind and transition',
    labelNames: ['kind', 'transition'],
    registers: [this.registry],
  });

  /** Reports the outage spool's depth and its dead letters at every scrape. */
  trackSpool(spool: { depth: () => number; deadLetterCount: () => Promise<number> }): void {
    new Gauge({
      name: 'rentprog_spool_depth',
      help: 'Webhooks waiting in the outage spool',
      registers: [this.registry],
      collect() {
        this.set(spool.depth());
      },
    });
    new Gauge({
      name: 'rentprog_spool_dead_letters',
      help: 'Spooled webhooks Temporal refused for good, kept for a person to look at',
      registers: [this.registry],
      async collect() {
        this.set(await spool.deadLetterCount().catch(() => Number.NaN));
      },
    });
  }

  relay(outcome: 'relayed' | 'duplicate' | 'dead_lettered' | 'temporal_away'): void {
    this.relayed.inc({ outcome });
  }

  temporalBreaker(state: 'closed' | 'open' | 'half-open'): void {
    this.breakerOpen.set(state === 'closed' ? 0 : 1);
  }

  webhook(outcome: { branch: string; type?: string; status: number; duplicate?: boolean; ms: number }): void {
    const name =
      outcome.status === 200
        ? outcome.duplicate
          ? 'duplicate'
          : 'accepted'
        : outcome.status === 202
          ? 'spooled'
          : `rejected_${outcome.status}`;
    this.webhooks.inc({ branch: outcome.branch, type: outcome.type ?? 'none', outcome: name });
    this.ackSeconds.observe({ outcome: name }, outcome.ms / 1000);
  }

  rentprogRequest(observation: RentProgRequestObservation): void {
    const endpoint = observation.endpoint.replace(/\/\d+(?=\/|$)/g, '/:id');
    if (endpoint === '/get_token' && observation.status === 200)
      this.tokenExchanges.inc({ branch: observation.branch });
    this.requests.inc({ branch: observation.branch, endpoint, status: String(observation.status) });
    this.requestSeconds.observe({ branch: observation.branch, endpoint }, observation.seconds);
  }

  syncPage(branch: string, kind: string, entities: number): void {
    this.syncEntities.inc({ branch, kind }, entities);
  }

  syncSucceeded(branch: string, finishedAt: Date): void {
    this.lastSync.set({ branch }, finishedAt.getTime() / 1000);
  }

  syncIntervalIs(seconds: number): void {
    this.syncInterval.set(seconds);
  }

  probe(name: string, ok: boolean): void {
    this.probes.set({ probe: name }, ok ? 1 : 0);
  }

  telegramDelivery(
    purpose: 'notification' | 'agenda' | 'alert',
    outcome: 'sent' | 'already_sent' | 'uncertain' | 'failed',
  ): void {
    this.telegramDeliveries.inc({ purpose, outcome });
  }

  /** The open count per kind as this process last read it from the incidents table. */
  incidentsOpenNow(countsByKind: Record<string, number>): void {
    this.incidentsOpen.reset();
    for (const [kind, count] of Object.entries(countsByKind)) this.incidentsOpen.set({ kind }, count);
  }

  incident(kind: string, transition: 'opened' | 'resolved'): void {
    this.incidentTransitions.inc({ kind, transition });
  }
}
