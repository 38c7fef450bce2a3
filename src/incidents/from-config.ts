import type { Logger } from 'pino';
import { type Config, DEFAULT_TIME_ZONE } from '../config/config.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Queryable } from '../store/db.js';
import { deliverOnce } from '../telegram/deliver-once.js';
import { sendTelegramMessage } from '../telegram/send-message.js';
import { type AlertSender, createIncidents, type Incidents } from './incidents.js';
import { memoryIncidentStore } from './memory-store.js';
import { tableIncidentStore } from './table-store.js';

export interface IncidentsOptions {
  /** The `incidents` table's database; without one, incidents live in this process's memory. */
  db?: Queryable;
  logger: Logger;
  metrics?: Metrics;
  now?: () => Date;
}

/**
 * The incidents service as the configuration asks: alerts to TELEGRAM_ALERT_CHAT through
 * the at-most-once delivery table, or, with no database, straight to the Bot API (the
 * memory store already allows one message per open and one per resolve).
 */
export function incidentsFromConfig(
  config: Pick<Config, 'telegram' | 'branchNames' | 'branches' | 'rentprog'>,
  options: IncidentsOptions,
): Incidents {
  const { telegram } = config;
  const chat = telegram.alertChat;
  let send: AlertSender | undefined;
  if (chat !== undefined && telegram.botToken) {
    const db = options.db;
    send = db
      ? (key, text) => deliverOnce(db, telegram, { key, chatId: chat, text })
      : async (_key, text) => {
          await sendTelegramMessage(telegram, chat, text);
          return 'sent';
        };
  }
  return createIncidents({
    store: options.db ? tableIncidentStore(options.db) : memoryIncidentStore(),
    send,
    names: {
      branchNames: config.branchNames,
      timeZones: config.rentprog.timeZones,
      timeZone: config.rentprog.timeZones[config.branches[0] ?? ''] ?? DEFAULT_TIME_ZONE,
    },
    logger: options.logger,
    metrics: options.metrics,
    now: options.now,
  });
}
