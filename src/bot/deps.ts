import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
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
  /** The zone times are shown in (the first branch's). */
  timeZone: string;
  webhookUrls: { branch: string; url: string }[];
  probeDirectly?: (spec: ProbeSpec) => Promise<ProbeResult>;
  /** How a branch's sync is started, so `/sync_rentprog` works before the worker has started it. */
  syncConfig?: SyncConfig;
  /** Webhooks Temporal refused for good, shown by `/status`. */
  deadLetters?: () => Promise<number>;
  logger: Logger;
  /** Pause between progress edits; Telegram allows about one edit a second per chat. */
  progressEveryMs?: number;
}
