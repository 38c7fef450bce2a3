import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Queryable } from '../store/db.js';
import type { SyncConfig } from '../temporal/ensure-branch-syncs.js';
import type { ProbeResult, ProbeSpec } from '../workflows/health-check-types.js';

/** What the bot needs, passed in so tests use a real dev server and a fake Bot API. */
export interface BotDeps {
  token: string;
  apiRoot: string;
  adminIds: number[];
  client: Client;
  taskQueue: string;
  branches: string[];
  /** What people call each branch (RENTPROG_BRANCH_NAMES). */
  branchNames: Record<string, string>;
  /** The zone times are shown in (the first branch's). */
  timeZone: string;
  /** Each branch's own zone, for its agenda and its booking times. */
  timeZones: Record<string, string>;
  /** Booking states that mean cancelled (RENTPROG_CANCEL_STATES). */
  cancelStates: string[];
  /** The mirrored RentProg data, incidents and deliveries: lookups, agendas and /alerts read it. */
  db: Queryable;
  webhookUrls: { branch: string; url: string }[];
  probeDirectly?: (spec: ProbeSpec) => Promise<ProbeResult>;
  /** How a branch's sync is started, so `/sync_rentprog` works before the worker has started it. */
  syncConfig?: SyncConfig;
  /** Webhooks Temporal refused for good, shown by `/status`. */
  deadLetters?: () => Promise<number>;
  logger: Logger;
  /** The clock "today" and "N min ago" are read from; tests set it. */
  now?: () => Date;
  /** Pause between progress edits; Telegram allows about one edit a second per chat. */
  progressEveryMs?: number;
}
