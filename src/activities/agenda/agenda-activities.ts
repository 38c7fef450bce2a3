import type { Metrics } from '../../metrics/metrics.js';
import { localDayOf, type LocalDay } from '../../time/local-day.js';
import type { Queryable } from '../../store/db.js';
import { deliverOnce, type DeliveryOutcome } from '../../telegram/deliver-once.js';
import type { TelegramSettings } from '../../telegram/send-message.js';
import { agendaText } from './agenda-text.js';

export interface AgendaDeps {
  db: Queryable;
  telegram: TelegramSettings & { notifyChats: Record<string, number | string> };
  branchNames: Record<string, string>;
  /** Each branch's zone, in branch order: the first is the one most branches share. */
  timeZones: Record<string, string>;
  cancelStates: string[];
  now?: () => Date;
  metrics?: Metrics;
}

export interface AgendaRequest {
  branch: string;
  /** When the schedule meant to run (ISO), so a late run still sends that day's agenda. */
  scheduledAt?: string;
}

/** Counts and codes only: the agenda itself (names, phones) never enters a workflow history. */
export type AgendaResult =
  | { sent: true; day: LocalDay; entries: number; outcome: DeliveryOutcome }
  | { sent: false; day: LocalDay; reason: 'no chat for the branch' | 'no bot token' };

/** Sends each branch chat its day: handovers and returns, read from Postgres. */
export function createAgendaActivities(deps: AgendaDeps) {
  const now = deps.now ?? (() => new Date());
  const usualZone = Object.values(deps.timeZones)[0] ?? 'UTC';
  return {
    async sendAgenda(request: AgendaRequest): Promise<AgendaResult> {
      const timeZone = deps.timeZones[request.branch] ?? usualZone;
      const day = localDayOf(request.scheduledAt ? new Date(request.scheduledAt) : now(), timeZone);
      const chatId = deps.telegram.notifyChats[request.branch];
      if (chatId === undefined) return { sent: false, day, reason: 'no chat for the branch' };
      if (!deps.telegram.botToken) return { sent: false, day, reason: 'no bot token' };
      const { text, entries } = await agendaText(
        deps.db,
        { branchNames: deps.branchNames, timeZones: deps.timeZones, usualZone },
        { branch: request.branch, day, cancelStates: deps.cancelStates },
      );
      try {
        // One key per branch and day: a retried activity or a second trigger sends nothing new.
        const outcome = await deliverOnce(deps.db, deps.telegram, {
          key: `agenda:${request.branch}:${day}`,
          chatId,
          text,
        });
        deps.metrics?.telegramDelivery('agenda', outcome === 'already sent' ? 'already_sent' : outcome);
        return { sent: true, day, entries, outcome };
      } catch (err) {
        deps.metrics?.telegramDelivery('agenda', 'failed');
        throw err;
      }
    },
  };
}

export type AgendaActivities = ReturnType<typeof createAgendaActivities>;
