import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.js';
import type { DeliveryOutcome } from '../telegram/deliver-once.js';
import { type AlertContext, alertTexts } from '../texts/alerts.js';
import type { Incident, IncidentReport, IncidentStore } from './incident.js';

/** What the hooks call. Neither ever throws: a failure to record or alert is logged, the caller goes on. */
export interface Incidents {
  raise(report: IncidentReport): Promise<void>;
  resolve(key: string): Promise<void>;
}

/** Sends one alert, at most once per delivery key (`incident:<id>:opened`). */
export type AlertSender = (deliveryKey: string, text: string) => Promise<DeliveryOutcome>;

export interface IncidentsDeps {
  store: IncidentStore;
  /** Absent when there is no alert chat or no bot token: then alerts are only logged. */
  send?: AlertSender;
  /** Branch names and zones the texts use. */
  names: AlertContext;
  logger: Logger;
  metrics?: Metrics;
  now?: () => Date;
  /** While an incident lasts, at most one message per this long (default an hour). */
  reminderEveryMs?: number;
  /**
   * How long the list of open keys is trusted before it is read again (default 30 s):
   * `resolve` on the hot path costs no query unless its key is open, and an incident
   * another process opened is seen, and resolved, within this long.
   */
  refreshEveryMs?: number;
}

export const REMINDER_EVERY_MS = 3_600_000;
export const OPEN_KEYS_REFRESH_MS = 30_000;

/** `incident:<id>:reminder:<n>`, n the hours since it opened: reminders an hour apart never share one. */
export const reminderNumber = (openedAt: Date, at: Date, everyMs: number): number =>
  Math.floor((at.getTime() - openedAt.getTime()) / everyMs);

export function countByKind(open: { kind: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { kind } of open) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * Opens, reminds of and resolves incidents: one message when one opens, one when it
 * resolves (saying how long it lasted), and at most one reminder an hour in between,
 * however often the failure repeats or the caller is retried.
 */
export function createIncidents(deps: IncidentsDeps): Incidents {
  const now = deps.now ?? (() => new Date());
  const reminderEveryMs = deps.reminderEveryMs ?? REMINDER_EVERY_MS;
  const refreshEveryMs = deps.refreshEveryMs ?? OPEN_KEYS_REFRESH_MS;
  const open = new Set<string>();
  let refreshedAt = Number.NEGATIVE_INFINITY;
  let refreshing: Promise<void> | undefined;

  const refreshIfStale = (): Promise<void> => {
    if (now().getTime() - refreshedAt < refreshEveryMs) return Promise.resolve();
    refreshing ??= deps.store
      .openKeys()
      .then((rows) => {
        open.clear();
        for (const row of rows) open.add(row.key);
        refreshedAt = now().getTime();
        deps.metrics?.incidentsOpenNow(countByKind(rows));
      })
      .finally(() => (refreshing = undefined));
    return refreshing;
  };

  const alert = async (incident: Incident, deliveryKey: string, text: string): Promise<void> => {
    if (!deps.send) return;
    try {
      const outcome = await deps.send(deliveryKey, text);
      deps.metrics?.telegramDelivery('alert', outcome === 'already sent' ? 'already_sent' : outcome);
      if (outcome === 'uncertain') {
        deps.logger.warn(
          { incident: incident.key, delivery: deliveryKey },
          'incident alert may not have arrived',
        );
      }
    } catch (err) {
      deps.metrics?.telegramDelivery('alert', 'failed');
      deps.logger.error(
        { incident: incident.key, delivery: deliveryKey, err: (err as Error).message },
        'incident alert not sent',
      );
    }
  };

  const fields = (incident: Incident) => ({
    incident: incident.key,
    kind: incident.kind,
    branch: incident.branch ?? undefined,
    detail: incident.detail,
    occurrences: incident.occurrences,
  });

  return {
    async raise(report) {
      try {
        const at = now();
        const { incident, opened } = await deps.store.record(report, at);
        open.add(report.key);
        if (opened) {
          refreshedAt = Number.NEGATIVE_INFINITY; // the gauge counts it at the next look
          deps.metrics?.incident(incident.kind, 'opened');
          deps.logger.warn(fields(incident), 'incident opened');
          await alert(incident, `incident:${incident.id}:opened`, alertTexts.opened(incident, deps.names));
        } else if (await deps.store.claimReminder(incident.id, at, reminderEveryMs)) {
          deps.logger.warn(fields(incident), 'incident still open');
          const n = reminderNumber(incident.openedAt, at, reminderEveryMs);
          await alert(
            incident,
            `incident:${incident.id}:reminder:${n}`,
            alertTexts.reminder(incident, deps.names, at),
          );
        }
      } catch (err) {
        deps.logger.error({ incident: report.key, err: (err as Error).message }, 'incident not recorded');
      }
    },

    async resolve(key) {
      try {
        await refreshIfStale();
        if (!open.has(key)) return;
        open.delete(key);
        const at = now();
        const incident = await deps.store.close(key, at);
        if (!incident) return;
        refreshedAt = Number.NEGATIVE_INFINITY;
        deps.metrics?.incident(incident.kind, 'resolved');
        deps.logger.info(
          { ...fields(incident), lastedMs: at.getTime() - incident.openedAt.getTime() },
          'incident resolved',
        );
        await alert(
          incident,
          `incident:${incident.id}:resolved`,
          alertTexts.resolved(incident, deps.names, at),
        );
      } catch (err) {
        deps.logger.error({ incident: key, err: (err as Error).message }, 'incident not resolved');
      }
    },
  };
}
