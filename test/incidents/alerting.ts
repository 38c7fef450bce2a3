import type { Logger } from 'pino';
import { incidentsFromConfig } from '../../src/incidents/from-config.js';
import type { Metrics } from '../../src/metrics/metrics.js';
import type { Queryable } from '../../src/store/db.js';
import type { startFakeTelegram } from '../../harness/fake-telegram.js';

export const ALERT_CHAT = -100_777;
export const BOT_TOKEN = '777:fake-token-for-the-alert-tests';

/** A clock the test moves by hand. */
export function manualClock(start = '2026-12-01T09:00:00Z') {
  let at = Date.parse(start);
  return {
    now: () => new Date(at),
    advance(ms: number) {
      at += ms;
    },
  };
}

/** The alerts the fake Bot API got in the alert chat, in order. */
export const alertsIn = (telegram: Awaited<ReturnType<typeof startFakeTelegram>>) =>
  telegram.sent.filter((m) => m.body.chat_id === ALERT_CHAT).map((m) => m.body.text);

/** The incidents service as the worker builds it, pointed at the fake Bot API. */
export function alertingIncidents(options: {
  telegram?: Awaited<ReturnType<typeof startFakeTelegram>>;
  db?: Queryable;
  logger: Logger;
  branchNames?: Record<string, string>;
  timeZones?: Record<string, string>;
  now?: () => Date;
  metrics?: Metrics;
}) {
  const branchNames = options.branchNames ?? {};
  return incidentsFromConfig(
    {
      branches: Object.keys(branchNames),
      branchNames,
      rentprog: { timeZones: options.timeZones ?? {} } as never,
      telegram: {
        botToken: options.telegram ? BOT_TOKEN : undefined,
        apiRoot: options.telegram?.apiRoot ?? 'https://api.telegram.org',
        alertChat: options.telegram ? ALERT_CHAT : undefined,
      } as never,
    },
    { db: options.db, logger: options.logger, now: options.now, metrics: options.metrics },
  );
}
