import type { NotifyEventKind } from './schema.js';

/** The one typed configuration object; only `loadConfig` reads the environment. */
export interface Config {
  /** Configured branch names, in the order of RENTPROG_BRANCH_KEYS. */
  branches: string[];
  /** What people read for each branch (RENTPROG_BRANCH_NAMES), the key where none is given. */
  branchNames: Record<string, string>;
  rentprog: {
    baseUrl: string;
    /** Company token per branch. Secret: never log, never pass to a workflow. */
    branchKeys: Record<string, string>;
    /** Accepted webhook secrets per branch (current first, then previous during rotation). */
    webhookSecrets: Record<string, string[]>;
    signatureHeader: string;
    timeoutMs: number;
    pageLimit: number;
    pollSinceDays: number;
    syncIntervalMs: number;
    maxRequestsPerMinute: number;
    /** A list with more pages than this is an error, not a silent cut (10 bookings a page). */
    maxPages: number;
    /** IANA zone per branch for RentProg's local `DD-MM-YYYY H:mm` dates. */
    timeZones: Record<string, string>;
    /** Booking states that mean the booking is cancelled (RENTPROG_CANCEL_STATES). */
    cancelStates: string[];
  };
  http: { port: number; publicBaseUrl: string };
  ingress: {
    /** A repeat of the same webhook within this long of the first is answered as a duplicate. */
    dedupWindowMs: number;
    /** The file spool refuses (503) rather than fill the disk past this. */
    spoolMaxBytes: number;
  };
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    /** Where the worker serves Temporal's own SDK metrics for Prometheus, if anywhere. */
    metricsAddress?: string;
    /** AES-256-GCM keys for workflow payloads, the first encrypts. Secret. Unset: plain payloads. */
    payloadKeys?: { id: string; key: Buffer }[];
    /** Workflows a worker keeps in memory between their tasks (`maxCachedWorkflows`); unset: the SDK's default. */
    workflowCache?: number;
  };
  /** `url` for a Postgres server, otherwise PGlite files under `dataDir`. */
  database: { url?: string; dataDir: string };
  telegram: {
    botToken?: string;
    adminIds: number[];
    apiRoot: string;
    notifyChats: Record<string, number | string>;
    /** Set: Telegram pushes updates to the ingress at /telegram/<secret> instead of long polling. */
    webhookSecret?: string;
    /** Which kinds of event reach the branch chats (TELEGRAM_NOTIFY_EVENTS). */
    notifyEvents: NotifyEventKind[];
    /** Where incident alerts go; unset, they are only logged and counted. */
    alertChat?: number | string;
    /** When each branch chat gets the day's agenda, in the branch's own zone. */
    agendaTime: { hour: number; minute: number };
  };
  /** How often the scheduled health check runs (its failures open incidents). */
  health: { checkIntervalMs: number };
  /** Where a role serves its own /metrics when it has no ingress port (METRICS_PORT). */
  metricsPort?: number;
  umnico: { token?: string; baseUrl: string };
  stripe: { secretKey?: string; baseUrl: string };
}

export const DEFAULT_TIME_ZONE = 'Asia/Tbilisi';
